// Sandbox code: may import only @temporalio/workflow and src/common.
import { workflowInfo } from '@temporalio/workflow';
import type { RecordScope } from '../common/record-scope';

// RECORD_SCOPE_CONSTANT: replaced at bundle time by the plugin (webpack's DefinePlugin); absent without it.
declare const __XCOM_RECORD_SCOPE__: RecordScope | undefined;

const bundled: RecordScope =
  typeof __XCOM_RECORD_SCOPE__ === 'undefined' ? { all: false, workflowTypes: [] } : __XCOM_RECORD_SCOPE__;

// Per workflow execution (module state): set by the first call into the XCom workflow API.
let optedIn = false;

/** The workflow uses XCom from now on: `setDagRun`, `withTask`, `runDag`, a pull or a wait called this. */
export function optIntoXCom(): void {
  optedIn = true;
}

/**
 * Whether this workflow's activities are XCom tasks. Only those get the task header; every other workflow on the
 * worker schedules exactly what it would without the plugin, so its activities pass through untouched.
 */
export function isRecorded(): boolean {
  return optedIn || bundled.all || bundled.workflowTypes.includes(workflowInfo().workflowType);
}
