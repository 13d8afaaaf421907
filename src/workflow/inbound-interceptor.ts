// Sandbox code: may import only @temporalio/workflow and src/common.
import type { Next, WorkflowExecuteInput, WorkflowInboundCallsInterceptor } from '@temporalio/workflow';
import { restoreDagRunFrom } from './dag-run-carry';

/** Picks up the DAG run an earlier execution handed over on continue-as-new. Synchronous, so replay-neutral. */
export class XComWorkflowInboundInterceptor implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    restoreDagRunFrom(input.headers);
    return next(input);
  }
}
