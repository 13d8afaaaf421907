// Sandbox code: may import only @temporalio/workflow and src/common.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { XComActivities } from '../common/xcom-activities';
import type { XComRef } from '../common/xcom-ref';
import type { PullOptions } from '../pull/pull-options';
import type { TypedPull } from '../pull/typed-pull';
import { currentDagRun } from './dag-run';
import { optIntoXCom } from './record-scope';

// A local activity's result is recorded in history as a marker, so a pull replays without touching the store.
const xcomActivities = proxyLocalActivities<XComActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 seconds' },
});

/** Pull options from workflow code: the workflow is not a task, so `taskIds` is required. */
export type WorkflowPullOptions = PullOptions & { readonly taskIds: string | readonly string[] };

/**
 * Pulls XComs with Airflow 3's rules (any DAG, run, task and key) from workflow code. Values at or above the
 * history threshold come back as `XComRef`s: pass them to activities (they are resolved there) or `resolve` them.
 */
export const pull = (async (options: WorkflowPullOptions): Promise<unknown> => {
  if (options.taskIds === undefined) {
    throw new TypeError('pull() in workflow code needs taskIds: the workflow itself is not a task');
  }
  optIntoXCom();
  const run = currentDagRun();
  return xcomActivities.__xcom_pull({
    dagId: run.dagId,
    runId: run.runId,
    logicalDate: run.logicalDate.toISOString(),
    options,
  });
}) as TypedPull<WorkflowPullOptions>;

/** Loads the value behind a ref into the workflow. The value then sits in history: do this only when it must. */
export async function resolve<T = unknown>(ref: XComRef): Promise<T> {
  optIntoXCom();
  return (await xcomActivities.__xcom_resolve(ref, currentDagRun().dagId)) as T;
}
