import { assertId, assertMapIndex, MAX_ID_LENGTH, MAX_KEY_LENGTH, type XComIdentity } from './identity';
import type { ClearScope } from './types';

/**
 * A parameterised `where` for a run, a task, one mapped instance, or one entry, over unqualified columns of
 * `entries` or `ledger`.
 */
export function scopeSql(scope: ClearScope | XComIdentity): { where: string; params: unknown[] } {
  assertId('dagId', scope.dagId, MAX_ID_LENGTH);
  assertId('runId', scope.runId, MAX_ID_LENGTH);
  const params: unknown[] = [scope.dagId, scope.runId];
  const clauses = ['dag_id = $1', 'run_id = $2'];
  if (scope.taskId !== undefined) {
    assertId('taskId', scope.taskId, MAX_ID_LENGTH);
    params.push(scope.taskId);
    clauses.push(`task_id = $${params.length}`);
  }
  const key = 'key' in scope ? scope.key : undefined;
  const mapIndex = scope.mapIndex ?? (key !== undefined ? -1 : undefined);
  if (mapIndex !== undefined) {
    assertMapIndex(mapIndex);
    params.push(mapIndex);
    clauses.push(`map_index = $${params.length}`);
  }
  if (key !== undefined) {
    assertId('key', key, MAX_KEY_LENGTH);
    params.push(key);
    clauses.push(`key = $${params.length}`);
  }
  return { where: clauses.join(' and '), params };
}
