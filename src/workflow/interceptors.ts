// The module the plugin registers in `workflowModules`: the worker bundles it into every workflow.
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { XComWorkflowOutboundInterceptor } from './outbound-interceptor';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [new XComWorkflowOutboundInterceptor()],
});
