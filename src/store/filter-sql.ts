import { XComIdentityError } from '../errors';
import { assertId, assertMapIndex, MAX_ID_LENGTH, MAX_KEY_LENGTH } from './identity';
import { dagIdsOf } from './dag-id-filter';
import type { MapIndexFilter, XComFilter } from './types';

export interface FilterSql {
  /** `where …` over `e` (entries) alone, or an empty string. */
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
  // Conditions on the entry columns, over a table alias: `e` for the rows read, `n` for the newest-run lookup.
  const conditions: ((t: string) => string)[] = [];

  const dagIds = listOf('dagId', dagIdsOf(filter, 'XCom filter'), MAX_ID_LENGTH);
  if (dagIds) {
    const p = bind(dagIds.length === 1 ? dagIds[0] : dagIds);
    conditions.push((t) => (dagIds.length === 1 ? `${t}.dag_id = ${p}` : `${t}.dag_id = any(${p}::text[])`));
  }
  const taskIds = listOf('taskId', filter.taskIds, MAX_ID_LENGTH);
  if (taskIds) {
    const p = bind(taskIds.length === 1 ? taskIds[0] : taskIds);
    conditions.push((t) => (taskIds.length === 1 ? `${t}.task_id = ${p}` : `${t}.task_id = any(${p}::text[])`));
  }
  if (filter.key !== undefined) {
    assertId('key', filter.key, MAX_KEY_LENGTH);
    const p = bind(filter.key);
    conditions.push((t) => `${t}.key = ${p}`);
  }
  if (filter.mapIndexes !== undefined) conditions.push(mapIndexClause(filter.mapIndexes, bind));
  if (filter.runId !== undefined) assertId('runId', filter.runId, MAX_ID_LENGTH);

  if (filter.includePriorDates) {
    const before = cutoff(schema, filter, dagIds, bind);
    conditions.push((t) => `${t}.run_date <= ${before}`);
  } else if (filter.runId !== undefined) {
    const p = bind(filter.runId);
    conditions.push((t) => `${t}.run_id = ${p}`);
  }
  const clauses = conditions.map((condition) => condition('e'));
  if (filter.includePriorDates && filter.newestRunOnly) {
    // The newest run with a match: the first entry of `entries_latest` past the cutoff (one index descent),
    // computed once before the rows are read.
    clauses.push(
      `(e.dag_id, e.run_id) = (select n.dag_id, n.run_id from ${schema}.entries n
                                where ${conditions.map((condition) => condition('n')).join(' and ')}
                                order by n.run_date desc, n.run_id desc limit 1)`,
    );
  }
  return { where: clauses.length ? `where ${clauses.join(' and ')}` : '', params };
}

/** The one run a filter's rows all belong to (one DAG, a `runId`, no earlier runs), if it names one. */
export function oneRunOf(filter: XComFilter): { readonly dagId: string; readonly runId: string } | undefined {
  if (filter.runId === undefined || filter.includePriorDates) return undefined;
  const dagIds = [dagIdsOf(filter, 'XCom filter') ?? []].flat();
  return dagIds.length === 1 ? { dagId: dagIds[0]!, runId: filter.runId } : undefined;
}

/**
 * Newest run first (logical date, else creation time), then the most recently written, as Airflow orders
 * `get_many`. Two runs with the same date are told apart by run id (Airflow: by write time), so the newest row of a
 * key is the first entry of `entries_latest` (sql/000005_latest_by_date.sql): one index descent for `limit 1`.
 */
export const FILTER_ORDER = `order by e.run_date desc, e.run_id desc, e.updated_at desc,
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

function mapIndexClause(filter: MapIndexFilter, bind: (v: unknown) => string): (t: string) => string {
  if (typeof filter === 'number') {
    assertMapIndex(filter);
    const p = bind(filter);
    return (t) => `${t}.map_index = ${p}`;
  }
  if (Array.isArray(filter)) {
    filter.forEach(assertMapIndex);
    const p = bind(filter);
    return (t) => `${t}.map_index = any(${p}::int[])`;
  }
  const range = filter as { start: number; stop: number };
  if (!Number.isInteger(range.start) || !Number.isInteger(range.stop) || range.stop < range.start) {
    throw new XComIdentityError(
      'mapIndex',
      `map index range must have integer start <= stop, got {start: ${range.start}, stop: ${range.stop}}`,
    );
  }
  // int8 so an open-ended range can stop past the last int4 index (`{ start: 0, stop: 2 ** 31 }`).
  const start = bind(range.start);
  const stop = bind(range.stop);
  return (t) => `${t}.map_index >= ${start}::int8 and ${t}.map_index < ${stop}::int8`;
}
