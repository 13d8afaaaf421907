import { preparedByText } from '../../engines/prepared-by-text';
import type { SqlEngine } from '../../engines/sql-engine';
import { ENTRY_COLUMNS, type EntryRow } from '../../store/entry-rows';
import { cursorArg, encodeCursor } from './cursor';

export interface EntryPageRequest {
  readonly dagId?: string;
  readonly runId?: string;
  readonly taskId?: string;
  readonly key?: string;
  readonly mapIndex?: number;
  readonly limit: number;
  /** The `next` cursor of the previous page, parsed by `entryCursorArg`. */
  readonly after?: EntryCursor;
}

/** Where a page of `xcom list` ends: run time (to the microsecond), DAG, run, task, map index, key. */
export const entryCursorArg = cursorArg('list', ['string', 'string', 'string', 'string', 'number', 'string'] as const);
export type EntryCursor = ReturnType<typeof entryCursorArg>;

export interface EntryPageRow extends EntryRow {
  /** The run's sort time to the microsecond (a JS Date keeps milliseconds), for the cursor. */
  readonly run_at: string;
}

export interface EntryPage {
  readonly rows: readonly EntryPageRow[];
  readonly next?: string;
}

const RUN_AT = 'coalesce(r.logical_date, r.created_at)';

/**
 * One page of `xcom list`: runs newest first (by logical date, else creation), and within a run by task, map index
 * and key. Keyset pages on existing indexes: `dag_runs_by_date` (one DAG) or `dag_runs_by_age` (every DAG) walk the
 * runs in order, and the entries primary key yields each run's entries, so a page costs about its own size however
 * deep it is. The listing's SQL lives only here: a new index for another order changes this function alone.
 */
export async function entryPage(engine: SqlEngine, schema: string, request: EntryPageRequest): Promise<EntryPage> {
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (request.dagId !== undefined) where.push(`e.dag_id = ${bind(request.dagId)}`);
  if (request.runId !== undefined) where.push(`e.run_id = ${bind(request.runId)}`);
  if (request.taskId !== undefined) where.push(`e.task_id = ${bind(request.taskId)}`);
  if (request.mapIndex !== undefined) where.push(`e.map_index = ${bind(request.mapIndex)}`);
  if (request.key !== undefined) where.push(`e.key = ${bind(request.key)}`);
  if (request.after !== undefined) {
    const [at, dagId, runId, taskId, mapIndex, key] = request.after;
    // Runs at or before the cursor's bound the index scan (the columns match an index); the rest is a filter.
    const byDag = request.dagId !== undefined;
    const runKey = byDag ? `${RUN_AT}, r.run_id` : `${RUN_AT}, r.dag_id, r.run_id`;
    const runCursor = byDag
      ? `${bind(at)}::timestamptz, ${bind(runId)}::text`
      : `${bind(at)}::timestamptz, ${bind(dagId)}::text, ${bind(runId)}::text`;
    where.push(`(${runKey}) <= (${runCursor})`);
    where.push(
      `((${runKey}) < (${runCursor}) or (e.task_id, e.map_index, e.key) > (${bind(taskId)}::text, ${bind(mapIndex)}::int, ${bind(key)}::text))`,
    );
  }
  const sql = `select ${ENTRY_COLUMNS}, e.inline_value,
            to_char(${RUN_AT} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as run_at
       from ${schema}.entries e join ${schema}.dag_runs r using (dag_id, run_id)
      ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${RUN_AT} desc, r.dag_id desc, r.run_id desc, e.task_id, e.map_index, e.key
      limit ${bind(request.limit + 1)}`;
  const rows = await engine.query<EntryPageRow>(sql, params, preparedByText(sql));
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  if (rows.length <= request.limit || !last) return { rows: page };
  return {
    rows: page,
    next: encodeCursor('list', [last.run_at, last.dag_id, last.run_id, last.task_id, last.map_index, last.key]),
  };
}
