// Tasks of Airflow's `example_xcom_args` and `example_xcom_args_with_operators`, ported.
import { log } from '@temporalio/activity';
import { xcom } from '../../src';

export async function generateValue(): Promise<string> {
  return 'Bring me a shrubbery!';
}

/** Logs the value with the run's logical date (Airflow's `ts`); records nothing. */
export async function printValue(value: string): Promise<void> {
  log.info(`The knights of Ni say: ${value} (at ${xcom.task().logicalDate?.toISOString() ?? 'no logical date'})`);
}

/** A BashOperator running `echo <text>`: its last output line is its return value. */
export async function echoText(text: string): Promise<string> {
  return text;
}
