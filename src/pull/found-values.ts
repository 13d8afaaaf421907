import type { XComRecord } from '../store/types';
import type { PullRequest } from './pull-request';

/** What a pull found for one task: the run it was read from, and its values by map index. */
export interface TaskValues {
  readonly runId: string;
  readonly byMapIndex: Map<number, unknown>;
}

/** Values by task id. A task with no rows has no entry. */
export type FoundValues = Map<string, TaskValues>;

/** Groups records (one run per task) by task and map index. */
export function groupByTask(records: readonly XComRecord[], into: FoundValues = new Map()): FoundValues {
  for (const record of records) {
    let task = into.get(record.taskId);
    if (!task) into.set(record.taskId, (task = { runId: record.runId, byMapIndex: new Map() }));
    task.byMapIndex.set(record.mapIndex, record.value);
  }
  return into;
}

/** The store filter for the request's tasks and map indexes in one run, each id once. */
export function runFilter(request: PullRequest, runId: string, taskIds: readonly string[] = request.taskIds) {
  return {
    dagId: request.dagId,
    runId,
    taskIds: unique(taskIds),
    key: request.key,
    ...(request.mapIndexes === undefined ? {} : { mapIndexes: unique(request.mapIndexes) }),
  };
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
