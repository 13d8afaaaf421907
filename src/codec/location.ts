import type { ValueLocation } from './encoded-value';

/**
 * Describes the entry a value belongs to for error messages, e.g.
 * `the XCom value for key 'rows' of task 'extract' (map index 3) in dag 'etl', run 'manual__1'`,
 * or just `the XCom value` when nothing is known, so messages always read as a sentence.
 */
export function describeLocation(location?: ValueLocation): string {
  let text = 'the XCom value';
  if (!location) return text;
  const { dagId, runId, taskId, mapIndex, key } = location;
  if (key !== undefined) text += ` for key '${key}'`;
  if (taskId !== undefined) text += ` of task '${taskId}'`;
  // Airflow uses -1 for "not mapped"; only real map indexes help the reader.
  if (mapIndex !== undefined && mapIndex >= 0) text += ` (map index ${mapIndex})`;
  if (dagId !== undefined) text += ` in dag '${dagId}'`;
  if (runId !== undefined) text += `${dagId !== undefined ? ',' : ' in'} run '${runId}'`;
  return text;
}
