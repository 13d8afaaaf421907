import { assertMayRead } from './exclusive/exclusive-rules';
import { Context } from '@temporalio/activity';
import type { WorkflowStartOptions } from '@temporalio/client';
import { entryRef, type XComRef } from '../common/xcom-ref';
import { resolveParams } from '../dag/params';
import { XComError } from '../errors';
import type { DagRunInput } from '../workflow/dag/run-dag';
import { formatIdentity, RETURN_VALUE_KEY } from '../store/identity';
import { knownDag } from './known-dags';
import type { TaskAttempt } from './task-attempt';

/** The XCom key Airflow's TriggerDagRunOperator records the triggered run id under. */
export const TRIGGER_RUN_ID_KEY = 'trigger_run_id';

interface TriggerOptionsBase {
  /**
   * The triggered run's id (its workflow id, which is its XCom `run_id`). Default: derived from this task instance
   * (`<dag>__<run>__<task>[__<mapIndex>]__triggered`), so a retry of this task finds the run its first attempt
   * started instead of starting another.
   */
  readonly workflowId?: string;
  /** Airflow's `conf`. Refs in it (from `xcom.ref`) stay refs: the triggered DAG's activities receive values. */
  readonly conf?: Readonly<Record<string, unknown>>;
  /** Anything else `client.workflow.start` takes (memo, search attributes, timeouts, …). */
  readonly startOptions?: Omit<Partial<WorkflowStartOptions>, 'args' | 'taskQueue' | 'workflowId'>;
}

/**
 * Airflow's `TriggerDagRunOperator(trigger_dag_id=…, conf=…)`: a run of a DAG-API DAG by its id. The DAG must be
 * registered with this worker's plugin (`new XComPlugin({ dags })`), which gives the workflow type and task queue
 * its definition names, and checks `conf` against its params before the run starts.
 */
export interface TriggerDagRunByIdOptions extends TriggerOptionsBase {
  readonly dagId: string;
  /** The triggered run's logical date. @default when its workflow starts */
  readonly logicalDate?: Date | string;
  /** @default the DAG's `workflowType` */
  readonly workflowType?: string;
  /** @default the DAG's `taskQueue`, else the plugin's `triggerTaskQueue`, else this task's queue */
  readonly taskQueue?: string;
}

/** A run of any workflow: `conf` (or `args`) are its arguments. */
export interface TriggerWorkflowOptions extends TriggerOptionsBase {
  readonly dagId?: undefined;
  /** Workflow type of the DAG to run, as its worker registers it. */
  readonly workflowType: string;
  readonly taskQueue: string;
  /** The workflow's arguments. `XComRef`s (from `xcom.ref`) stay refs. @default [conf] when `conf` is given */
  readonly args?: readonly unknown[];
}

export type TriggerDagRunOptions = TriggerDagRunByIdOptions | TriggerWorkflowOptions;

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
  // Starting a run of a DAG writes it: a DAG registered with this worker, or one the policy lets this task's workflow
  // type write (a run started by workflow type runs as that DAG unless its workflow names another, checked there).
  attempt.access.assertTrigger(options.dagId ?? options.workflowType, 'xcom.triggerDagRun');
  const target = options.dagId !== undefined ? dagRunTarget(options) : { workflowType: options.workflowType, taskQueue: options.taskQueue, args: workflowArgs(options) };
  const handle = await Context.current().client.workflow.start(target.workflowType, {
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...options.startOptions,
    taskQueue: target.taskQueue,
    workflowId,
    args: target.args,
  });
  attempt.push(TRIGGER_RUN_ID_KEY, workflowId);
  return { runId: workflowId, firstExecutionRunId: handle.firstExecutionRunId };
}

function workflowArgs(options: TriggerWorkflowOptions): unknown[] {
  return options.args ? [...options.args] : options.conf !== undefined ? [options.conf] : [];
}

/** Where a DAG-API run goes and its `DagRunInput`; its conf checked against the DAG's params when the DAG is known. */
function dagRunTarget(options: TriggerDagRunByIdOptions): { workflowType: string; taskQueue: string; args: unknown[] } {
  const known = knownDag(options.dagId);
  const workflowType = options.workflowType ?? known?.dag.options.workflowType;
  if (workflowType === undefined) {
    throw new XComError(
      'XCOM_TRIGGER_TARGET',
      known
        ? `triggerDagRun: DAG '${options.dagId}' names no workflowType; set defineDag({ workflowType }) to the workflow that runs it`
        : `triggerDagRun: DAG '${options.dagId}' is not registered with this worker; pass it in new XComPlugin({ dags }), or give workflowType`,
    );
  }
  if (known) {
    const { problems } = resolveParams(known.dag.options.params, options.conf);
    if (problems.length > 0) throw new XComError('XCOM_DAG_PARAMS', `triggerDagRun: conf for DAG '${options.dagId}' is invalid: ${problems.join('; ')}`);
  }
  const taskQueue = options.taskQueue ?? known?.dag.options.taskQueue ?? known?.triggerTaskQueue ?? Context.current().info.taskQueue;
  const logicalDate = options.logicalDate instanceof Date ? options.logicalDate.toISOString() : options.logicalDate;
  const input: DagRunInput = { ...(options.conf !== undefined && { conf: options.conf }), ...(logicalDate !== undefined && { logicalDate }) };
  return { workflowType, taskQueue, args: [input] };
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
  attempt.access.assertRead(identity.dagId, 'xcom.ref');
  const [meta] = await attempt.store.getMany(
    { dagIds: identity.dagId, runId: identity.runId, taskIds: identity.taskId, mapIndexes: identity.mapIndex, key: identity.key },
    { values: false },
  );
  if (!meta) throw new XComError('XCOM_NOT_FOUND', `xcom.ref: no XCom ${formatIdentity(identity)} has been committed`);
  // A ref is a read capability: only a task that may read the entry gets one (read isolation).
  assertMayRead({ dagId: attempt.task.dagId, taskId: attempt.task.taskId }, meta);
  return attempt.access.sign(entryRef(meta));
}
