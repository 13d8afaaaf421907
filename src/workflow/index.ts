/**
 * The sandbox-safe entry point (`temporal-xcom/workflow`): use it from workflow code. It imports only
 * `@temporalio/workflow`.
 * @module
 */
export { currentDagRun, setDagRun, type DagRun } from './dag-run';
export { withTask } from './task-scope';
export { pull, resolve, type WorkflowPullOptions } from './pull';
export {
  waitForXCom,
  type WaitForXComOptions,
  type WaitForXComTarget,
  type WaitForXComResult,
  type FoundXCom,
  type XComWaitTimedOut,
} from './wait-for-xcom';
export { isXComRef, type XComRef, type XComResult } from '../common/xcom-ref';
export type { TaskOptions } from '../common/task-header';
export type { PullOptions } from '../pull/pull-options';
export { defineDag, type DagDefinition } from '../dag/define-dag';
export { param, Param, type ParamSchema, type ParamType, type ParamValues, type ParamsSpec } from '../dag/params';
export { RunValue, type ConfArg, type ParamsArg } from '../dag/run-value';
export { SKIPMIXIN_KEY } from '../dag/skip-decisions';
export { XComSkip, isXComSkip } from '../common/xcom-skip';
export type { DagBuilder } from '../dag/dag-builder';
export type { DagOptions, DagSchedule } from '../dag/dag-options';
export type { ExclusiveKey, ExclusiveKeys } from '../dag/exclusive-keys';
export type { TaskOptions as DagTaskOptions, TriggerRule, TaskState } from '../dag/spec';
export { XComArg, MapInput } from '../dag/xcom-arg';
export { runDag, dagRunQuery, type DagRunInput } from './dag/run-dag';
export { DAG_RUN_QUERY, type DagRunSnapshot, type TaskRunSnapshot } from '../common/dag-run-snapshot';
export { DagValidationError } from '../dag/dag-validation-error';
export { xcomCleanup, type CleanupPlan, type CleanupReport, type CleanupStepReport } from './cleanup-workflow';
