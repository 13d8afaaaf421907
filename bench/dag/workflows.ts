// Sandbox code: the two ways of running the fan-out. Bundled with and without the plugin's workflow interceptors.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { DagRunSnapshot } from '../../src/common/dag-run-snapshot';
import { runDag } from '../../src/workflow/dag/run-dag';
import { Semaphore } from '../../src/workflow/dag/semaphore';
import { withTask } from '../../src/workflow/task-scope';
import type * as activities from './activities';
import { FAN_OUT_DAGS } from './dags';

/** (a) The DAG runner: `items = numbers(count); fan = double.expand(items); reduce = sum(fan)`. */
export async function dagRunnerFanOut(count: number): Promise<DagRunSnapshot> {
  const dag = FAN_OUT_DAGS.get(count);
  if (!dag) throw ApplicationFailure.nonRetryable(`no fan-out DAG of width ${count}`);
  return runDag(dag);
}

// What the runner gives a task with no options of its own: one attempt, five minutes.
const acts = proxyActivities<typeof activities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 1 } });

/**
 * (b) and (c) The same work written by hand: `Promise.all` over `double`, at most `maxActive` at once through the
 * runner's own semaphore, then `sum`. Task identities are the DAG's (items, fan[i], reduce), so with the plugin the
 * store holds the same rows as for (a); without it `withTask` is inert.
 */
export async function handWrittenFanOut(count: number, maxActive: number): Promise<number> {
  const items = await withTask({ taskId: 'items' }, () => acts.numbers(count));
  const slots = new Semaphore(maxActive);
  const doubled = await Promise.all(items.map((x, i) => slots.run(() => withTask({ taskId: 'fan', mapIndex: i }, () => acts.double(x)))));
  return withTask({ taskId: 'reduce' }, () => acts.sum(doubled));
}
