import { preparedByText } from '../../engines/prepared-by-text';
import type { SqlEngine } from '../../engines/sql-engine';
import { XComIdentityError } from '../../errors';
import { assertId, MAX_ID_LENGTH } from '../identity';
import type { DagRunSummary, ListRunsOptions, RunPage } from './types';

const RUN_DATE = 'coalesce(r.logical_date, r.created_at)';
const MAX_LIMIT = 1000;

interface RunRow {
  dag_id: string;
  run_id: string;
  logical_date: Date | null;
  created_at: Date;
  /** The run's date as Postgres text: microseconds, which a JS Date would round away. */
  at: string;
  entries: number;
  bytes: number;
}

/**
 * DAG runs newest first (by logical date, else creation time), a page at a time. Keyset pagination over an index
 * (`dag_runs_by_date` with a DAG, `dag_runs_by_age` without), so every page costs the same however deep.
 */
export async function listRuns(engine: SqlEngine, schema: string, options: ListRunsOptions = {}): Promise<RunPage> {
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
  const sql = `select r.dag_id, r.run_id, r.logical_date, r.created_at, ${RUN_DATE}::text as at,
            s.entries, s.bytes
       from ${schema}.dag_runs r
       cross join lateral (select count(*)::int as entries, coalesce(sum(e.stored_bytes), 0)::int8 as bytes
                             from ${schema}.entries e where e.dag_id = r.dag_id and e.run_id = r.run_id) s
      ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${order}
      limit ${bind(limit + 1)}`;
  const rows = await engine.query<RunRow>(sql, params, preparedByText(sql));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const runs: DagRunSummary[] = page.map((r) => ({
    dagId: r.dag_id,
    runId: r.run_id,
    logicalDate: r.logical_date,
    createdAt: r.created_at,
    entries: r.entries,
    bytes: Number(r.bytes),
  }));
  return rows.length > limit && last ? { runs, next: encodeCursor(last) } : { runs };
}

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
