import type { FoundValues } from './found-values';
import type { PullRequest } from './pull-request';

/** Turns what a pull found into Airflow 3's result shape (`RuntimeTaskInstance.xcom_pull`). */
export function shapeResult(request: PullRequest, found: FoundValues): unknown {
  return request.mapIndexes === undefined
    ? shapeEveryMapIndex(request, found)
    : shapeSelectedMapIndexes(request, request.mapIndexes, found);
}

/**
 * Path A (no `mapIndexes`): each task's values in map-index order, task-major. A single requested task that is
 * unmapped gives its value; a mapped one always gives a list, even with one instance (Airflow #59008, fixed by
 * #59104/#69075). A task with no rows contributes `default` (Airflow 3.0 appended None here).
 */
function shapeEveryMapIndex(request: PullRequest, found: FoundValues): unknown {
  if (request.singleTask) {
    const task = found.get(request.taskIds[0]!)?.byMapIndex;
    if (!task || task.size === 0) return request.fallback;
    if (task.size === 1 && task.has(-1)) return task.get(-1);
  }
  return request.taskIds.flatMap((taskId) => {
    const task = found.get(taskId)?.byMapIndex;
    if (!task || task.size === 0) return [request.fallback];
    return [...task.keys()].sort((a, b) => a - b).map((mapIndex) => task.get(mapIndex));
  });
}

/**
 * Path B (`mapIndexes` given): one value per (task, map index) in product order, `default` where there is none.
 * A stored null also gives `default`: Airflow's `get_one` cannot tell it from a missing row. A single value only
 * when one task and one map index (a number or null) were requested.
 */
function shapeSelectedMapIndexes(request: PullRequest, mapIndexes: readonly number[], found: FoundValues): unknown {
  const values = request.taskIds.flatMap((taskId) =>
    mapIndexes.map((mapIndex) => found.get(taskId)?.byMapIndex.get(mapIndex) ?? request.fallback),
  );
  return request.singleTask && request.singleMapIndex ? values[0] : values;
}
