// Sandbox code: may import only @temporalio/workflow and src/common.
import { AsyncLocalStorage } from '@temporalio/workflow';
import type { TaskOptions } from '../common/task-header';
import { optIntoXCom } from './record-scope';

const scope = new AsyncLocalStorage<TaskOptions>();

/**
 * Runs `schedule` with task options for the activity it schedules:
 * `await withTask({ taskId: 'extract' }, () => acts.extract())`.
 * Without it, an activity's task id is its `activityId` when set, else its type (`extract`, `extract__1`, …).
 * The first call opts the workflow in: this and every later activity it schedules are recorded.
 */
export function withTask<T>(options: TaskOptions, schedule: () => Promise<T>): Promise<T> {
  optIntoXCom();
  return scope.run(options, schedule);
}

export function currentTaskOptions(): TaskOptions | undefined {
  return scope.getStore();
}

// Per workflow execution (module state): how often each activity type got a default task id.
const defaultIdsUsed = new Map<string, number>();

/** `type` for the first unnamed call of an activity type in this run, then `type__1`, `type__2`… as Airflow does. */
export function nextDefaultTaskId(activityType: string): string {
  const used = defaultIdsUsed.get(activityType) ?? 0;
  defaultIdsUsed.set(activityType, used + 1);
  return used === 0 ? activityType : `${activityType}__${used}`;
}

/** The counters, for continue-as-new to carry to the next execution. */
export function defaultIdsSnapshot(): Record<string, number> {
  return Object.fromEntries(defaultIdsUsed);
}

/** Continues the numbering of an earlier execution of this run (before any task is scheduled). */
export function restoreDefaultIds(counters: Readonly<Record<string, number>>): void {
  for (const [type, used] of Object.entries(counters)) defaultIdsUsed.set(type, Math.max(used, defaultIdsUsed.get(type) ?? 0));
}
