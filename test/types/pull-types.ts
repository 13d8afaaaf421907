// Checked by `npm run typecheck` (part of `npm run lint`), never run: how pulls are typed for their callers. Each
// `@ts-expect-error` fails the type check if the line below it ever compiles.
import type { XComClient } from '../../src/client/xcom-client';
import type { xcom } from '../../src/worker/xcom-api';
import type { pull } from '../../src/workflow/pull';

export async function activityPulls(x: typeof xcom): Promise<void> {
  // A miss gives null, as Airflow's xcom_pull gives None.
  const maybe: number | null = await x.pull<number>({ taskIds: 'count' });
  // @ts-expect-error the result may be null
  const certain: number = await x.pull<number>({ taskIds: 'count' });
  // A default of the same type stands in for a miss.
  const defaulted: number = await x.pull<number>({ taskIds: 'count', default: 0 });
  // @ts-expect-error a default must have the pulled type
  await x.pull<number>({ taskIds: 'count', default: 'none' });
  // A list of task ids always gives a list.
  const listed: (number | null)[] = await x.pull<(number | null)[]>({ taskIds: ['a', 'b'] });
  // Own task: no options at all.
  const own: unknown = await x.pull();
  void [maybe, certain, defaulted, listed, own];
}

export async function workflowPulls(p: typeof pull): Promise<void> {
  const maybe: string | null = await p<string>({ taskIds: 'extract' });
  // @ts-expect-error workflow code names the tasks it pulls from
  await p<string>({ key: 'extract' });
  // @ts-expect-error the result may be null
  const certain: string = await p<string>({ taskIds: 'extract' });
  void [maybe, certain];
}

export async function clientPulls(client: XComClient): Promise<void> {
  const run = { dagId: 'etl', runId: 'r1' };
  const maybe: string | null = await client.pull<string>({ ...run, taskIds: 'extract' });
  const defaulted: string = await client.pull<string>({ ...run, taskIds: 'extract', default: '' });
  // @ts-expect-error the client names the run
  await client.pull<string>({ taskIds: 'extract' });
  void [maybe, defaulted];
}
