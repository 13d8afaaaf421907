import { XComIdentityError } from '../errors';
import { assertId, assertMapIndex, MAX_ID_LENGTH, MAX_KEY_LENGTH } from './identity';
import type { MapIndexFilter, XComFilter } from './types';

export interface FilterSql {
  /** `where …` over `e` (entries) joined with `r` (dag_runs), or an empty string. */
  readonly where: string;
  readonly params: unknown[];
}

/**
 * Translates Airflow's `get_many` filters to a parameterised `where`: a single value filters with `=`, a list with
 * `= any(…)`, a range with `>= start and < stop`. Every value is validated like an identity field first.
 */
export function filterSql(schema: string, filter: XComFilter): FilterSql {
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const clauses: string[] = [];

  const dagIds = listOf('dagId', filter.dagIds, MAX_ID_LENGTH);
  if (dagIds) clauses.push(dagIds.length === 1 ? `e.dag_id = ${bind(dagIds[0])}` : `e.dag_id = any(${bind(dagIds)}::text[])`);
  const taskIds = listOf('taskId', filter.taskIds, MAX_ID_LENGTH);
  if (taskIds) clauses.push(taskIds.length === 1 ? `e.task_id = ${bind(taskIds[0])}` : `e.task_id = any(${bind(taskIds)}::text[])`);
  if (filter.key !== undefined) {
    assertId('key', filter.key, MAX_KEY_LENGTH);
    clauses.push(`e.key = ${bind(filter.key)}`);
  }
  if (filter.mapIndexes !== undefined) clauses.push(mapIndexClause(filter.mapIndexes, bind));
  if (filter.runId !== undefined) assertId('runId', filter.runId, MAX_ID_LENGTH);

  if (filter.includePriorDates) {
    clauses.push(`coalesce(r.logical_date, r.created_at) <= ${cutoff(schema, filter, dagIds, bind)}`);
  } else if (filter.runId !== undefined) {
    clauses.push(`e.run_id = ${bind(filter.runId)}`);
  }
  return { where: clauses.length ? `where ${clauses.join(' and ')}` : '', params };
}

/** Newest logical date first, then the most recently written, as Airflow orders `get_many`. */
export const FILTER_ORDER = `order by coalesce(r.logical_date, r.created_at) desc, e.updated_at desc,
  e.dag_id, e.task_id, e.map_index, e.key`;

function cutoff(schema: string, filter: XComFilter, dagIds: readonly string[] | undefined, bind: (v: unknown) => string): string {
  if (filter.asOf) return `${bind(filter.asOf)}::timestamptz`;
  if (filter.runId === undefined) {
    throw new XComIdentityError('runId', 'includePriorDates needs runId (the run to look back from) or asOf');
  }
  // The reference run is looked up in the DAG being read, never across DAGs (Airflow #70173).
  const dagScope = dagIds ? `and c.dag_id = any(${bind(dagIds)}::text[])` : '';
  return `(select max(coalesce(c.logical_date, c.created_at)) from ${schema}.dag_runs c
            where c.run_id = ${bind(filter.runId)} ${dagScope})`;
}

function listOf(field: 'dagId' | 'taskId', value: string | readonly string[] | undefined, max: number): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new XComIdentityError(field, `filter ${field}s must be a string or a non-empty list of strings`);
  }
  for (const item of list) assertId(field, item, max);
  return list;
}

function mapIndexClause(filter: MapIndexFilter, bind: (v: unknown) => string): string {
  if (typeof filter === 'number') {
    assertMapIndex(filter);
    return `e.map_index = ${bind(filter)}`;
  }
  if (Array.isArray(filter)) {
    filter.forEach(assertMapIndex);
    return `e.map_index = any(${bind(filter)}::int[])`;
  }
  const range = filter as { start: number; stop: number };
  if (!Number.isInteger(range.start) || !Number.isInteger(range.stop) || range.stop < range.start) {
    throw new XComIdentityError(
      'mapIndex',
      `map index range must have integer start <= stop, got {start: ${range.start}, stop: ${range.stop}}`,
    );
  }
  // int8 so an open-ended range can stop past the last int4 index (`{ start: 0, stop: 2 ** 31 }`).
  return `e.map_index >= ${bind(range.start)}::int8 and e.map_index < ${bind(range.stop)}::int8`;
}
