/**
 * The sandbox-safe entry point (`temporal-xcom/workflow`): use it from workflow code. It imports only
 * `@temporalio/workflow`.
 * @module
 */
export { currentDagRun, setDagRun, type DagRun } from './dag-run';
export { withTask } from './task-scope';
export { pull, resolve, type WorkflowPullOptions } from './pull';
export { isXComRef, type XComRef, type XComResult } from '../common/xcom-ref';
export type { TaskOptions } from '../common/task-header';
export type { PullOptions } from '../pull/pull-options';
