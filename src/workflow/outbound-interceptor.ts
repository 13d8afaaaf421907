// Sandbox code: may import only @temporalio/workflow and src/common.
import {
  defaultPayloadConverter,
  type ActivityInput,
  type ContinueAsNewInput,
  type LocalActivityInput,
  type Next,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { isInternalActivity, TASK_HEADER, type TaskHeader } from '../common/task-header';
import { currentDagRun } from './dag-run';
import { withDagRunHeader } from './dag-run-carry';
import { isRecorded } from './record-scope';
import { currentTaskOptions, nextDefaultTaskId } from './task-scope';

/**
 * Stamps every activity a recorded workflow schedules with its task identity, and hands the DAG run on at
 * continue-as-new. A workflow that is not recorded gets neither: its history is what it would be without the plugin.
 * It calls `next` synchronously (no extra awaits), so installing it never changes the commands a workflow produces
 * on replay.
 */
export class XComWorkflowOutboundInterceptor implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return next(withTaskHeader(input, input.options.activityId));
  }

  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ): Promise<unknown> {
    return next(withTaskHeader(input, undefined));
  }

  continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>): Promise<never> {
    return next(isRecorded() ? { ...input, headers: withDagRunHeader(input.headers) } : input);
  }
}

function withTaskHeader<T extends ActivityInput | LocalActivityInput>(input: T, activityId: string | undefined): T {
  if (isInternalActivity(input.activityType) || !isRecorded()) return input;
  const options = currentTaskOptions();
  const mapIndex = options?.mapIndex ?? -1;
  const taskId =
    options?.taskId ??
    activityId ??
    // Mapped instances share their task id; only unmapped repeats get a suffix.
    (mapIndex >= 0 ? input.activityType : nextDefaultTaskId(input.activityType));
  const run = currentDagRun();
  const header: TaskHeader = {
    v: 1,
    dagId: run.dagId,
    runId: run.runId,
    taskId,
    mapIndex,
    logicalDate: run.logicalDate.toISOString(),
    ...(options?.multipleOutputs !== undefined && { multipleOutputs: options.multipleOutputs }),
    ...(options?.doXComPush !== undefined && { doXComPush: options.doXComPush }),
    ...(options?.returnRef && { returnRef: true }),
    ...(options?.retention !== undefined && { retention: options.retention }),
  };
  return { ...input, headers: { ...input.headers, [TASK_HEADER]: defaultPayloadConverter.toPayload(header) } };
}
