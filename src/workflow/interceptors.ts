// The module the plugin registers in `workflowModules`: the worker bundles it into every workflow.
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { XComWorkflowInboundInterceptor } from './inbound-interceptor';
import { XComWorkflowOutboundInterceptor } from './outbound-interceptor';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new XComWorkflowInboundInterceptor()],
  outbound: [new XComWorkflowOutboundInterceptor()],
});
