import { preparedByText } from '../../engines/prepared-by-text';
import type { SqlEngine } from '../../engines/sql-engine';
import { ENTRY_COLUMNS, entryColumns, type EntryRow } from '../../store/entry-rows';
import { XComIdentityError } from '../../errors';
import { MAX_PAGE } from '../page-options';
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

/** The sort key every page row carries, for the cursor. */
interface PageKey {
  readonly dag_id: string;
  readonly run_id: string;
  readonly task_id: string;
  readonly map_index: number;
  readonly key: string;
  /**
   * The run's sort time as Postgres prints a timestamptz, to the microsecond (a JS Date keeps milliseconds); the
   * cursor carries it back as a bound, which Postgres reads exactly.
   */
  readonly run_at: string;
}

export interface EntryPageRow extends EntryRow {
  readonly run_at: string;
}

/**
 * A row of `xcom list`'s table: the cells it shows and what its value preview needs, nothing else. A page of 50 of
 * these costs about half a page of full rows (fewer values for Postgres to print and for the driver to parse: one
 * timestamp instead of five); documents (`--json`) and the web page read full rows.
 */
export interface ListingRow extends PageKey {
  readonly attempt: number;
  readonly size_bytes: number;
  /** When the entry was last written, as Postgres prints a UTC timestamp (`YYYY-MM-DD HH:MM:SS[.ffffff]`): see `utcTextToIso`. */
  readonly updated_at: string;
  readonly digest: string;
  readonly encoding: string;
  /** Null when the value is in the object store (an entry has one or the other). */
  readonly inline_value: Buffer | null;
}

// updated_at as text: a page of 50 Dates costs the driver more to parse than the rest of the row (measured).
const LISTING_COLUMNS =
  "e.dag_id, e.run_id, e.task_id, e.map_index, e.key, e.attempt, e.size_bytes, (e.updated_at at time zone 'UTC')::text as updated_at, e.digest, e.encoding, e.inline_value";

export interface EntryPage<R = EntryPageRow> {
  readonly rows: readonly R[];
  readonly next?: string;
}

/** One page of `xcom list` with every column of each entry and its inline value. */
export function entryPage(engine: SqlEngine, schema: string, request: EntryPageRequest): Promise<EntryPage> {
  // Without `dag_runs` in the statement (one key), the run's logical date comes from a subquery per row.
  return page<EntryPageRow>(engine, schema, request, (joined) => `${joined ? ENTRY_COLUMNS : entryColumns(schema)}, e.inline_value`);
}

/** The same page (same rows, order and cursors) with only what a table row shows: {@link ListingRow}. */
export function listingPage(engine: SqlEngine, schema: string, request: EntryPageRequest): Promise<EntryPage<ListingRow>> {
  return page<ListingRow>(engine, schema, request, () => LISTING_COLUMNS);
}

const RUN_AT = 'coalesce(r.logical_date, r.created_at)';

/**
 * One page of `xcom list`: runs newest first (by logical date, else creation), and within a run by task, map index
 * and key. Keyset pages on existing indexes, so a page costs about its own size however deep it is:
 *   - no DAG: `entries_by_run_date` holds every entry in this very order (`run_date` is its run's date), one range
 *     scan without `dag_runs`;
 *   - one key of one task of a DAG (`--dag --task --key`, no run): `entries_latest` holds that key's rows in this
 *     order, one range scan without `dag_runs`;
 *   - otherwise `dag_runs_by_date` walks the DAG's runs in order, and the entries primary key yields each run's
 *     entries (Postgres sorts each run's few entries again: it does not carry an inner index's order through a join).
 * The listing's SQL lives only here: a new index for another order changes this function alone.
 */
async function page<R extends PageKey>(
  engine: SqlEngine,
  schema: string,
  request: EntryPageRequest,
  columns: (joined: boolean) => string,
): Promise<EntryPage<R>> {
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (request.dagId !== undefined) where.push(`e.dag_id = ${bind(request.dagId)}`);
  if (request.runId !== undefined) where.push(`e.run_id = ${bind(request.runId)}`);
  if (request.taskId !== undefined) where.push(`e.task_id = ${bind(request.taskId)}`);
  if (request.mapIndex !== undefined) where.push(`e.map_index = ${bind(request.mapIndex)}`);
  if (request.key !== undefined) where.push(`e.key = ${bind(request.key)}`);
  const oneKey = request.dagId !== undefined && request.taskId !== undefined && request.key !== undefined && request.runId === undefined;
  const joined = request.dagId !== undefined && !oneKey;
  const runAt = joined ? RUN_AT : 'e.run_date';
  const run = joined ? 'r' : 'e';
  if (request.after !== undefined) {
    const [at, dagId, runId, taskId, mapIndex, key] = request.after;
    // Runs at or before the cursor's bound the index scan (the columns match an index); the rest is a filter.
    const byDag = request.dagId !== undefined;
    const runKey = byDag ? `${runAt}, ${run}.run_id` : `${runAt}, ${run}.dag_id, ${run}.run_id`;
    const runCursor = byDag
      ? `${bind(at)}::timestamptz, ${bind(runId)}::text`
      : `${bind(at)}::timestamptz, ${bind(dagId)}::text, ${bind(runId)}::text`;
    where.push(`(${runKey}) <= (${runCursor})`);
    where.push(
      `((${runKey}) < (${runCursor}) or (e.task_id, e.map_index, e.key) > (${bind(taskId)}::text, ${bind(mapIndex)}::int, ${bind(key)}::text))`,
    );
  }
  const sql = `select ${columns(joined)},
            ${runAt}::text as run_at
       from ${schema}.entries e${joined ? ` join ${schema}.dag_runs r using (dag_id, run_id)` : ''}
      ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${runAt} desc, ${run}.dag_id desc, ${run}.run_id desc, e.task_id, e.map_index, e.key
      limit ${pageLimit(request.limit) + 1}`;
  const rows = await engine.query<R>(sql, params, preparedByText(sql));
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  if (rows.length <= request.limit || !last) return { rows: page };
  return {
    rows: page,
    next: encodeCursor('list', [last.run_at, last.dag_id, last.run_id, last.task_id, last.map_index, last.key]),
  };
}

/**
 * The page size, written into the statement's text rather than bound: with a bound limit a prepared statement's
 * generic plan assumes a tenth of the table is wanted, costs more than a plan for 51 rows, and Postgres plans every
 * call anew (a planning costs more than the page). A checked integer, so the text stays safe and its shapes few.
 */
export function pageLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new XComIdentityError('limit', `a page holds 1..${MAX_PAGE} rows, got ${limit}`);
  }
  return limit;
}
