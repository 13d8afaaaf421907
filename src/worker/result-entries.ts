import { XComError } from '../errors';
import { RETURN_VALUE_KEY } from '../store/identity';
import type { TaskInstance } from './task-instance';

/** Airflow's `multiple_outputs` errors, raised where Airflow raises TypeError. */
export class XComMultipleOutputsError extends XComError {
  constructor(message: string) {
    super('XCOM_MULTIPLE_OUTPUTS', message);
  }
}

/**
 * The entries a task's return value produces, in Airflow's order: with `multipleOutputs`, one per key, then
 * `return_value` with the whole object. `undefined` and `null` produce nothing; so does `doXComPush: false`.
 */
export function resultEntries(task: TaskInstance, result: unknown): [key: string, value: unknown][] {
  if (!task.doXComPush || result === undefined || result === null) return [];
  if (!task.multipleOutputs) return [[RETURN_VALUE_KEY, result]];
  const entries = outputEntries(result, task.taskId);
  return [...entries, [RETURN_VALUE_KEY, result]];
}

function outputEntries(result: unknown, taskId: string): [string, unknown][] {
  if (result instanceof Map) {
    const entries = [...result.entries()];
    const bad = entries.find(([key]) => typeof key !== 'string');
    if (bad) {
      throw new XComMultipleOutputsError(
        `task '${taskId}': returned dictionary keys must be strings when using multipleOutputs, found ` +
          `${String(bad[0])} (${typeof bad[0]}) instead`,
      );
    }
    return entries as [string, unknown][];
  }
  const proto: unknown = typeof result === 'object' ? Object.getPrototypeOf(result) : undefined;
  if (typeof result !== 'object' || result === null || Array.isArray(result) || (proto !== Object.prototype && proto !== null)) {
    throw new XComMultipleOutputsError(
      `task '${taskId}': returned output was type ${typeName(result)}, expected a plain object or Map for multipleOutputs`,
    );
  }
  if (Object.getOwnPropertySymbols(result).length > 0) {
    throw new XComMultipleOutputsError(
      `task '${taskId}': returned dictionary keys must be strings when using multipleOutputs, found a symbol key instead`,
    );
  }
  return Object.entries(result);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && value !== null) return (value.constructor as { name?: string } | undefined)?.name ?? 'object';
  return typeof value;
}
