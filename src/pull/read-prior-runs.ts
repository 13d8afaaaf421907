import type { XComBackend } from '../store/backend';
import type { XComRecord } from '../store/types';
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
  const reads = await Promise.all(
    tasks.map((taskId) => {
      const runId = pinned.get(taskId);
      return runId === undefined
        ? newestRunValues(store, request, cutoff, taskId)
        : store.getMany(runFilter(request, runId, [taskId]));
    }),
  );
  const found: FoundValues = new Map();
  for (const records of reads) groupByTask(records, found);
  return found;
}

/**
 * One task's values in the newest run that has them: one query (the store finds the run and reads its rows
 * together). The rows of the first run only are kept, for a backend that returns every prior run's.
 */
async function newestRunValues(
  store: XComBackend,
  request: PullRequest,
  cutoff: PriorCutoff,
  taskId: string,
): Promise<XComRecord[]> {
  const { runId: _thisRunOnly, ...filter } = runFilter(request, request.runId, [taskId]);
  const records = await store.getMany({ ...filter, ...cutoff, includePriorDates: true, newestRunOnly: true });
  const newest = records[0];
  return newest ? records.filter((r) => r.runId === newest.runId && r.dagId === newest.dagId) : [];
}
