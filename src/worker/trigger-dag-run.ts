import { Context } from '@temporalio/activity';
import type { WorkflowStartOptions } from '@temporalio/client';
import { entryRef, type XComRef } from '../common/xcom-ref';
import { XComError } from '../errors';
import { formatIdentity, RETURN_VALUE_KEY } from '../store/identity';
import type { TaskAttempt } from './task-attempt';

/** The XCom key Airflow's TriggerDagRunOperator records the triggered run id under. */
export const TRIGGER_RUN_ID_KEY = 'trigger_run_id';

export interface TriggerDagRunOptions {
  /** Workflow type of the DAG to run, as its worker registers it. */
  readonly workflowType: string;
  readonly taskQueue: string;
  /**
   * The triggered run's id (its workflow id, which is its XCom `run_id`). Default: derived from this task instance
   * (`<dag>__<run>__<task>[__<mapIndex>]__triggered`), so a retry of this task finds the run its first attempt
   * started instead of starting another.
   */
  readonly workflowId?: string;
  /** The workflow's arguments. `XComRef`s (from `xcom.ref`) stay refs: the triggered DAG's activities receive values. */
  readonly args?: readonly unknown[];
  /** Airflow's `conf`: the workflow's only argument when `args` is not given. Refs in it are passed the same way. */
  readonly conf?: Readonly<Record<string, unknown>>;
  /** Anything else `client.workflow.start` takes (memo, search attributes, timeouts, …). */
  readonly startOptions?: Omit<Partial<WorkflowStartOptions>, 'args' | 'taskQueue' | 'workflowId'>;
}

export interface TriggeredDagRun {
  /** The triggered DAG run's id (workflow id), also pushed as the XCom `trigger_run_id`. */
  readonly runId: string;
  /** Temporal's run id of the workflow execution that was started or found. */
  readonly firstExecutionRunId: string;
}

/**
 * Airflow's TriggerDagRunOperator from activity code: starts a DAG run (a workflow) with the worker's client, or
 * finds the one already running under that id (`workflowIdConflictPolicy: USE_EXISTING`, so retries start it once),
 * and pushes its run id as `trigger_run_id`.
 */
export async function triggerDagRun(attempt: TaskAttempt, options: TriggerDagRunOptions): Promise<TriggeredDagRun> {
  const task = attempt.task;
  const workflowId =
    options.workflowId ??
    [task.dagId, task.runId, task.taskId, ...(task.mapIndex >= 0 ? [String(task.mapIndex)] : []), 'triggered'].join('__');
  const args = options.args ? [...options.args] : options.conf !== undefined ? [options.conf] : [];
  const handle = await Context.current().client.workflow.start(options.workflowType, {
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...options.startOptions,
    taskQueue: options.taskQueue,
    workflowId,
    args,
  });
  attempt.push(TRIGGER_RUN_ID_KEY, workflowId);
  return { runId: workflowId, firstExecutionRunId: handle.firstExecutionRunId };
}

export interface RefOptions {
  readonly taskId: string;
  /** @default 'return_value' */
  readonly key?: string;
  /** @default the calling task's DAG */
  readonly dagId?: string;
  /** @default the calling task's run */
  readonly runId?: string;
  /** @default -1 */
  readonly mapIndex?: number;
}

/**
 * A small `XComRef` to a committed XCom, for passing it on (to a triggered DAG, a child workflow, a signal) without
 * loading or copying the value. Whoever receives it gets the value in their activities.
 */
export async function refTo(attempt: TaskAttempt, options: RefOptions): Promise<XComRef> {
  const identity = {
    dagId: options.dagId ?? attempt.task.dagId,
    runId: options.runId ?? attempt.task.runId,
    taskId: options.taskId,
    mapIndex: options.mapIndex ?? -1,
    key: options.key ?? RETURN_VALUE_KEY,
  };
  const [meta] = await attempt.store.getMany(
    { dagIds: identity.dagId, runId: identity.runId, taskIds: identity.taskId, mapIndexes: identity.mapIndex, key: identity.key },
    { values: false },
  );
  if (!meta) throw new XComError('XCOM_NOT_FOUND', `xcom.ref: no XCom ${formatIdentity(identity)} has been committed`);
  return entryRef(meta);
}
