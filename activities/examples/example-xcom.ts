// Tasks of Airflow's `example_xcom`, ported: explicit pushes, a pushed return value, and pulls that check them.
import { log } from '@temporalio/activity';
import { isDeepStrictEqual } from 'node:util';
import { xcom } from '../../src';

const VALUE_1 = [1, 2, 3];
const VALUE_2 = { a: 'b' };

/** Pushes under a key of its own and returns nothing. */
export async function pushValue1(): Promise<void> {
  xcom.push('value from pusher 1', VALUE_1);
}

/** Pushes by returning. */
export async function pushByReturning(): Promise<{ a: string }> {
  return VALUE_2;
}

/** Pulls the explicit push, receives the returned one as its argument, and fails when either differs. */
export async function pullAndCompare(pulledValue2: unknown): Promise<void> {
  const pulledValue1 = await xcom.pull({ taskIds: 'push', key: 'value from pusher 1' });
  if (!isDeepStrictEqual(pulledValue1, VALUE_1)) throw new Error(`The two values differ ${JSON.stringify(pulledValue1)} and ${JSON.stringify(VALUE_1)}`);
  if (!isDeepStrictEqual(pulledValue2, VALUE_2)) throw new Error(`The two values differ ${JSON.stringify(pulledValue2)} and ${JSON.stringify(VALUE_2)}`);
}

/**
 * The example's first BashOperator: its command pushes `manually_pushed_value` from a template and echoes three
 * lines; a BashOperator records the last line of its output as its return value.
 */
export async function bashPush(): Promise<string> {
  xcom.push('manually_pushed_value', 'manually_pushed_value');
  const output = ['bash_push demo', 'Manually set xcom value ', 'value_by_return'];
  return output[output.length - 1]!;
}

/** The second BashOperator: echoes both XComs of bash_push it is given (it runs with doXComPush: false). */
export async function bashPull(manuallyPushed: string, returned: string): Promise<string> {
  const output = ['bash pull demo', `The xcom pushed manually is ${manuallyPushed}`, `The returned_value xcom is ${returned}`, 'finished'];
  for (const line of output) log.info(line);
  return output[output.length - 1]!;
}

/** Pulls both XComs of bash_push by key. */
export async function pullValueFromBashPush(): Promise<void> {
  const byReturn = await xcom.pull({ taskIds: 'bash_push', key: 'return_value' });
  const manual = await xcom.pull({ taskIds: 'bash_push', key: 'manually_pushed_value' });
  log.info(`The xcom value pushed by task push via return value is ${String(byReturn)}`);
  log.info(`The xcom value pushed by task push manually is ${String(manual)}`);
}
