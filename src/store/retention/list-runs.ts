import { preparedByText } from '../../engines/prepared-by-text';
import type { SqlEngine } from '../../engines/sql-engine';
import { XComIdentityError } from '../../errors';
import { assertId, MAX_ID_LENGTH } from '../identity';
import type { ListedRun, ListRunsOptions, RunPage } from './types';

const RUN_DATE = 'coalesce(r.logical_date, r.created_at)';
const MAX_LIMIT = 1000;

interface RunRow {
  dag_id: string;
  run_id: string;
  logical_date: Date | null;
  created_at: Date;
  /** The run's date as Postgres text: microseconds, which a JS Date would round away. */
  at: string;
  entries?: number;
  bytes?: number;
}

/**
 * DAG runs newest first (by logical date, else creation time), a page at a time, each with its entries and stored
 * bytes. Keyset pagination over an index (`dag_runs_by_date` with a DAG, `dag_runs_by_age` without), so every page
 * costs the same however deep; the sizes cost a scan of each listed run's entries (about 30 index rows a run for a
 * DAG of 10 tasks × 3 keys), several times the listing itself.
 */
export async function listRuns(engine: SqlEngine, schema: string, options: ListRunsOptions = {}): Promise<RunPage> {
  const { rows, next } = await runRows(engine, schema, options, true);
  return { runs: rows.map((r) => ({ ...dagRun(r), entries: r.entries!, bytes: Number(r.bytes) })), ...next };
}

/**
 * The same page as {@link listRuns} (same order, same cursors) without the sizes: only `dag_runs` rows, read from the
 * index in order. What a listing shows first; sizes are for the runs a reader asks about.
 */
export async function listRunDates(engine: SqlEngine, schema: string, options: ListRunsOptions = {}): Promise<RunPage<ListedRun>> {
  const { rows, next } = await runRows(engine, schema, options, false);
  return { runs: rows.map(dagRun), ...next };
}

function dagRun(r: RunRow): ListedRun {
  return { dagId: r.dag_id, runId: r.run_id, logicalDate: r.logical_date, createdAt: r.created_at };
}

async function runRows(
  engine: SqlEngine,
  schema: string,
  options: ListRunsOptions,
  sizes: boolean,
): Promise<{ rows: RunRow[]; next: { next?: string } }> {
  const limit = options.limit ?? 50;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new XComIdentityError('limit', `listRuns: limit must be an integer 1..${MAX_LIMIT}, got ${limit}`);
  }
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (options.dagId !== undefined) {
    assertId('dagId', options.dagId, MAX_ID_LENGTH);
    where.push(`r.dag_id = ${bind(options.dagId)}`);
  }
  if (options.from) where.push(`${RUN_DATE} >= ${bind(options.from)}`);
  if (options.to) where.push(`${RUN_DATE} < ${bind(options.to)}`);
  if (options.after !== undefined) {
    const [at, dagId, runId] = decodeCursor(options.after);
    where.push(
      options.dagId !== undefined
        ? `(${RUN_DATE}, r.run_id) < (${bind(at)}::timestamptz, ${bind(runId)}::text)`
        : `(${RUN_DATE}, r.dag_id, r.run_id) < (${bind(at)}::timestamptz, ${bind(dagId)}::text, ${bind(runId)}::text)`,
    );
  }
  const order = options.dagId !== undefined ? `${RUN_DATE} desc, r.run_id desc` : `${RUN_DATE} desc, r.dag_id desc, r.run_id desc`;
  // The limit is written into the text (a checked integer): a bound limit leaves a prepared statement's generic plan
  // guessing a tenth of the table, so Postgres would plan every call anew.
  const sql = `select r.dag_id, r.run_id, r.logical_date, r.created_at, ${RUN_DATE}::text as at${sizes ? ', s.entries, s.bytes' : ''}
       from ${schema}.dag_runs r
       ${sizes ? SIZES.replaceAll(':schema', schema) : ''}
      ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${order}
      limit ${limit + 1}`;
  const rows = await engine.query<RunRow>(sql, params, preparedByText(sql));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { next: encodeCursor(last) } : {} };
}

const SIZES = `cross join lateral (select count(*)::int as entries, coalesce(sum(e.stored_bytes), 0)::int8 as bytes
                             from :schema.entries e where e.dag_id = r.dag_id and e.run_id = r.run_id) s`;

function encodeCursor(row: RunRow): string {
  return Buffer.from(JSON.stringify([row.at, row.dag_id, row.run_id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string')) {
      return parsed as [string, string, string];
    }
  } catch {
    // fall through to the error below
  }
  throw new XComIdentityError('after', `listRuns: 'after' is not a cursor this store returned: ${JSON.stringify(cursor.slice(0, 40))}`);
}
