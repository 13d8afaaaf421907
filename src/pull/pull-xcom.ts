import type { XComBackend } from '../store/backend';
import { groupByTask, runFilter, type FoundValues } from './found-values';
import type { PendingOverlay, PullCaller, PullOptions } from './pull-options';
import { resolvePull, type PullRequest } from './pull-request';
import { readPriorRuns } from './read-prior-runs';
import { shapeResult } from './shape-result';

/**
 * Airflow 3's `xcom_pull` for the task instance `caller`: the same defaults (the caller's DAG, run and task,
 * `return_value`), the same result shapes, `default` for anything missing. Never throws for a missing value; throws an
 * `XComIdentityError` naming the field for a malformed option. The caller's own uncommitted pushes (`overlay`)
 * win over what is committed for its own task instance. See docs/pull-semantics.md.
 */
export async function pullXCom(
  store: XComBackend,
  caller: PullCaller,
  options: PullOptions = {},
  overlay?: PendingOverlay,
): Promise<unknown> {
  const request = resolvePull(caller, options);
  const pending = ownPending(request, caller, overlay);
  const found = request.prior
    ? await readPriorRuns(store, request, request.prior, pending ? new Map([[caller.taskId, caller.runId]]) : new Map())
    : groupByTask(await store.getMany(runFilter(request, request.runId)));
  if (pending) withPending(found, caller, pending.value);
  return shapeResult(request, found);
}

/**
 * The caller's pending value for the pulled key, when the pull reads the caller's own task instance. With
 * `includePriorDates` the caller's run is the newest at or before the cutoff, so a pending value pins that run.
 */
function ownPending(request: PullRequest, caller: PullCaller, overlay: PendingOverlay | undefined) {
  if (!overlay || request.dagId !== caller.dagId || request.runId !== caller.runId) return undefined;
  if (!request.taskIds.includes(caller.taskId)) return undefined;
  if (request.mapIndexes && !request.mapIndexes.includes(caller.mapIndex)) return undefined;
  const pending = overlay.lookup(request.key);
  return pending.found ? pending : undefined;
}

function withPending(found: FoundValues, caller: PullCaller, value: unknown): void {
  const task = found.get(caller.taskId);
  if (task && task.runId !== caller.runId) return;
  if (task) task.byMapIndex.set(caller.mapIndex, value);
  else found.set(caller.taskId, { runId: caller.runId, byMapIndex: new Map([[caller.mapIndex, value]]) });
}
