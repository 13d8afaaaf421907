// Sandbox code: calls a task's activity with its retry policy, timeouts and XCom identity.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { DagOptions } from '../../dag/dag-options';
import type { TaskSpec } from '../../dag/spec';
import { withTask } from '../task-scope';

/** Airflow's per-task retry settings as a Temporal retry policy; durations as Temporal accepts them. */
export function activityOptionsFor(task: TaskSpec, dag: DagOptions): ActivityOptions {
  const o = task.options;
  return {
    startToCloseTimeout: o.executionTimeout ?? '5 minutes',
    ...(o.heartbeatTimeout !== undefined && { heartbeatTimeout: o.heartbeatTimeout }),
    ...((o.taskQueue ?? dag.taskQueue) !== undefined && { taskQueue: o.taskQueue ?? dag.taskQueue }),
    retry: {
      maximumAttempts: (o.retries ?? 0) + 1,
      initialInterval: o.retryDelay ?? '5 seconds',
      backoffCoefficient: o.retryExponentialBackoff ? 2 : 1,
      ...(o.maxRetryDelay !== undefined && { maximumInterval: o.maxRetryDelay }),
    },
  };
}

/**
 * Runs one task instance. Results come back as refs; a branch or short circuit's come back as values and are not
 * recorded by the task: the runner records them once it knows whether Airflow would (see skip-decisions).
 */
export function runTaskActivity(task: TaskSpec, dag: DagOptions, args: unknown[], mapIndex = -1): Promise<unknown> {
  const activities = proxyActivities<Record<string, (...a: unknown[]) => Promise<unknown>>>(activityOptionsFor(task, dag));
  const activity = activities[task.activityType]!;
  const decides = isDecisionTask(task);
  return withTask(
    {
      taskId: task.taskId,
      mapIndex,
      multipleOutputs: task.options.multipleOutputs,
      doXComPush: decides ? false : task.options.doXComPush,
      returnRef: !decides,
      ...(task.options.retention !== undefined && { retention: task.options.retention }),
    },
    () => activity(...args),
  );
}

/** A task whose result decides what downstream runs: a branch or a short circuit. */
export function isDecisionTask(task: TaskSpec): boolean {
  return task.options.branch === true || task.options.shortCircuit === true;
}
