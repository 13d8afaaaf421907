import type { XComBackend } from '../store/backend';
import { groupByTask, runFilter, unique, type FoundValues } from './found-values';
import type { PullRequest } from './pull-request';
import type { PriorCutoff } from './prior-cutoff';

/**
 * `includePriorDates`: for each task, the newest run of the DAG being read, at or before the cutoff, in which the
 * task has the key (at one of the requested map indexes, when some are given); then that run's values.
 *
 * Runs are chosen per task but never mixed within a task: a mapped task's values all come from one run. `pinned`
 * fixes a task's run without looking (the caller's own run, when the caller has pending pushes for the key).
 */
export async function readPriorRuns(
  store: XComBackend,
  request: PullRequest,
  cutoff: PriorCutoff,
  pinned: ReadonlyMap<string, string>,
): Promise<FoundValues> {
  const tasks = unique(request.taskIds);
  const chosen = await Promise.all(
    tasks.map(async (taskId) => {
      const runId = pinned.get(taskId) ?? (await newestRun(store, request, cutoff, taskId));
      return [taskId, runId] as const;
    }),
  );
  const tasksByRun = new Map<string, string[]>();
  for (const [taskId, runId] of chosen) {
    if (runId !== undefined) tasksByRun.set(runId, [...(tasksByRun.get(runId) ?? []), taskId]);
  }
  // Usually every task lands in the same run: one read.
  const reads = await Promise.all(
    [...tasksByRun].map(([runId, taskIds]) => store.getMany(runFilter(request, runId, taskIds))),
  );
  const found: FoundValues = new Map();
  for (const records of reads) groupByTask(records, found);
  return found;
}

/** A metadata-only read of the single newest matching row (the store orders by logical date, newest first). */
async function newestRun(
  store: XComBackend,
  request: PullRequest,
  cutoff: PriorCutoff,
  taskId: string,
): Promise<string | undefined> {
  const { runId: _thisRunOnly, ...filter } = runFilter(request, request.runId, [taskId]);
  const [newest] = await store.getMany({ ...filter, ...cutoff, includePriorDates: true, limit: 1 }, { values: false });
  return newest?.runId;
}
