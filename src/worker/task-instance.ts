import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { Info } from '@temporalio/activity';
import { TASK_HEADER, type TaskHeader } from '../common/task-header';
import type { Retention } from '../store/retention/retention-class';

/** The task instance an activity attempt runs: its XCom identity and how its result is recorded. */
export interface TaskInstance {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly logicalDate?: Date;
  readonly multipleOutputs: boolean;
  readonly doXComPush: boolean;
  readonly returnRef: boolean;
  /** The task's retention class from the workflow (checked when the attempt commits). */
  readonly retention?: Retention;
}

/**
 * Reads the identity the workflow interceptor put in the headers. An activity scheduled by a workflow without the
 * plugin's interceptor falls back to the workflow type, the workflow id, and the activity id — or its type when the
 * id is the SDK's bare sequence number, which says nothing to a reader.
 */
export function taskInstanceFor(headers: Headers, info: Info): TaskInstance {
  const payload = headers[TASK_HEADER];
  if (payload) {
    const header = defaultPayloadConverter.fromPayload<TaskHeader>(payload);
    return {
      dagId: header.dagId,
      runId: header.runId,
      taskId: header.taskId,
      mapIndex: header.mapIndex,
      logicalDate: header.logicalDate ? new Date(header.logicalDate) : undefined,
      multipleOutputs: header.multipleOutputs ?? false,
      doXComPush: header.doXComPush ?? true,
      returnRef: header.returnRef ?? false,
      ...(header.retention !== undefined && { retention: header.retention as Retention }),
    };
  }
  return {
    dagId: info.workflowType ?? info.activityType,
    runId: info.workflowExecution?.workflowId ?? info.activityId,
    taskId: /^\d+$/.test(info.activityId) ? info.activityType : info.activityId,
    mapIndex: -1,
    multipleOutputs: false,
    doXComPush: true,
    returnRef: false,
  };
}
