import type { SqlEngine } from '../engines/sql-engine';
import { cursorArg, encodeCursor } from '../cli/queries/cursor';

/** Where a page of DAGs ends: the last DAG id shown. */
export const dagCursorArg = cursorArg('dags', ['string'] as const);
export type DagCursor = ReturnType<typeof dagCursorArg>;

export interface DagSummary {
  readonly dagId: string;
  /** The newest run (by logical date, else creation time) and its date. */
  readonly latestRunId: string;
  readonly latestRunAt: Date;
}

export interface DagPage {
  readonly dags: readonly DagSummary[];
  readonly next?: string;
}

/**
 * The DAGs that have runs, by id, a page at a time. There is no table of DAGs: a recursive query skips from one DAG
 * id to the next along `dag_runs_by_date` (a loose index scan), so a page costs one index probe per DAG shown however
 * many runs each has, and the newest run of each is the first entry of the same index.
 */
export async function dagPage(engine: SqlEngine, schema: string, request: { limit: number; after?: DagCursor }): Promise<DagPage> {
  const params: unknown[] = [request.after?.[0] ?? ''];
  const rows = await engine.query<{ dag_id: string; run_id: string; at: Date }>(
    `with recursive ids as (
       (select dag_id from ${schema}.dag_runs where dag_id > $1 order by dag_id limit 1)
       union all
       select (select r.dag_id from ${schema}.dag_runs r where r.dag_id > ids.dag_id order by r.dag_id limit 1)
         from ids where ids.dag_id is not null
     )
     select ids.dag_id, latest.run_id, latest.at
       from (select dag_id from ids where dag_id is not null limit ${request.limit + 1}) ids
       cross join lateral (
         select r.run_id, coalesce(r.logical_date, r.created_at) as at from ${schema}.dag_runs r
          where r.dag_id = ids.dag_id order by coalesce(r.logical_date, r.created_at) desc, r.run_id desc limit 1
       ) latest
      order by ids.dag_id`,
    params,
  );
  const dags = rows.slice(0, request.limit).map((r) => ({ dagId: r.dag_id, latestRunId: r.run_id, latestRunAt: r.at }));
  const last = dags.at(-1);
  if (rows.length <= request.limit || !last) return { dags };
  return { dags, next: encodeCursor('dags', [last.dagId]) };
}
