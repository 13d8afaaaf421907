import type { ShapeChange } from '../codec/temporal-json-shape';
import { xcomLog } from '../log/xcom-log';
import type { TaskInstance } from './task-instance';

// Bounded: a worker running many DAGs must not grow this without end; past it, repeats may warn again.
const MAX_REMEMBERED = 10_000;
const warned = new Set<string>();

/**
 * Says, once per DAG, task and path, that a result was recorded the way Temporal's JSON converter sends it rather
 * than as the value the task returned, so a reader who expected the instance or the function learns why.
 */
export function warnShapeChange(task: TaskInstance, change: ShapeChange): void {
  const id = `${task.dagId}\u0000${task.taskId}\u0000${change.path}`;
  if (warned.has(id)) return;
  if (warned.size >= MAX_REMEMBERED) warned.clear();
  warned.add(id);
  xcomLog().warn(
    `temporal-xcom: task '${task.taskId}' of DAG '${task.dagId}' returned ${change.what} at ${change.path}; ` +
      `${change.action}, as Temporal's JSON converter does (said once per task and path)`,
    { dagId: task.dagId, taskId: task.taskId, path: change.path },
  );
}
