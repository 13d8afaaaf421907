// The chaos DAG as a plain workflow (sandboxed): every task instance scheduled with withTask as soon as its
// upstream results are in, each receiving them (values, or refs the plugin resolves) as arguments.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { isXComRef, setDagRun, withTask, type XComRef } from '../src/workflow';
import type * as activities from './activities';
import { CHAOS_DAG_ID, CHAOS_TASKS, instanceName, mapIndexesOf, type TaskSpec, type TimeoutClass } from './dag-shape';
import type { AttemptPlans } from './plan';

// Generous: every run must complete however often its worker dies.
const RETRY: ActivityOptions['retry'] = {
  initialInterval: '200 milliseconds',
  backoffCoefficient: 1.5,
  maximumInterval: '2 seconds',
  maximumAttempts: 50,
};

// Short timeouts: a killed attempt is retried seconds later, and a zombie outlives its attempt quickly.
const OPTIONS: Readonly<Record<TimeoutClass, ActivityOptions>> = {
  heartbeat: { heartbeatTimeout: '3 seconds', startToCloseTimeout: '2 minutes', retry: RETRY },
  startToClose: { startToCloseTimeout: '5 seconds', retry: RETRY },
};

const proxies = {
  heartbeat: proxyActivities<typeof activities>(OPTIONS.heartbeat),
  startToClose: proxyActivities<typeof activities>(OPTIONS.startToClose),
};

export interface ChaosRunInput {
  readonly attempts: AttemptPlans;
}

/** Per task instance: the attempt whose result Temporal delivered, or the ref delivered in its place. */
export type ReceivedResult = { readonly attempt: number } | { readonly ref: XComRef };
export type ChaosRunResult = Readonly<Record<string, ReceivedResult>>;

export async function chaosDag(input: ChaosRunInput): Promise<ChaosRunResult> {
  setDagRun({ dagId: CHAOS_DAG_ID });
  const outputs = new Map<string, Promise<unknown[]>>();
  // CHAOS_TASKS lists every task after its upstream tasks.
  for (const spec of CHAOS_TASKS) {
    const upstream = Promise.all(spec.upstream.map((taskId) => outputs.get(taskId)!));
    outputs.set(spec.taskId, upstream.then((results) => runTask(spec, input.attempts, results)));
  }
  const received: Record<string, ReceivedResult> = {};
  for (const spec of CHAOS_TASKS) {
    const results = await outputs.get(spec.taskId)!;
    mapIndexesOf(spec).forEach((mapIndex, i) => {
      received[instanceName(spec.taskId, mapIndex)] = summarize(results[i]);
    });
  }
  return received;
}

function runTask(spec: TaskSpec, plans: AttemptPlans, upstreamResults: unknown[][]): Promise<unknown[]> {
  const inputs = Object.fromEntries(spec.upstream.map((taskId, i) => [taskId, upstreamResults[i]!]));
  return Promise.all(
    mapIndexesOf(spec).map((mapIndex) =>
      withTask({ taskId: spec.taskId, mapIndex }, () =>
        proxies[spec.timeout].chaosTask({
          taskId: spec.taskId,
          mapIndex,
          plan: plans[instanceName(spec.taskId, mapIndex)] ?? [],
          inputs,
        }),
      ),
    ),
  );
}

function summarize(result: unknown): ReceivedResult {
  if (isXComRef(result)) return { ref: result };
  return { attempt: (result as { attempt: number }).attempt };
}
