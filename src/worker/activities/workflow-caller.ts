import { Context, type Info } from '@temporalio/activity';
import type { DagClaim, WorkerSecurity } from '../../security/worker-security';
import type { XComRuntime } from '../runtime';

/** Workflow code calling the plugin's local activities: as which DAG run it asks, checked against Temporal's facts. */
export interface WorkflowCaller {
  readonly security: WorkerSecurity;
  readonly info: Info;
  readonly reader: DagClaim;
}

/**
 * The calling workflow, its claimed DAG run (`dagId`, default its workflow type; `runId`, default its workflow id)
 * verified: the run is its workflow id and the access policy lets its type write that DAG.
 */
export async function workflowCaller(runtime: XComRuntime, dagId: string | undefined, operation: string, runId?: string): Promise<WorkflowCaller> {
  const info = Context.current().info;
  const security = await runtime.security();
  const reader = {
    dagId: dagId ?? info.workflowType ?? info.activityType,
    runId: runId ?? info.workflowExecution?.workflowId ?? info.activityId,
    taskId: '(workflow code)',
  };
  security.verifyClaim(info, reader, operation);
  return { security, info, reader };
}
