import type { SqlEngine } from '../../engines/sql-engine';

export interface RowCount {
  readonly value: number;
  /** True when `value` is the planner's estimate rather than a count. */
  readonly estimated: boolean;
}

export interface CountTarget {
  readonly schema: string;
  readonly table: string;
  /** A condition on the table's rows, or none. */
  readonly where?: string;
  /** The relation whose statistics estimate the count (the table, or a partial index with the same condition). */
  readonly estimateFrom: string;
}

/**
 * Counts rows exactly up to `limit`, and beyond it reports the planner's estimate (`pg_class.reltuples`): `count(*)`
 * reads every row, which at millions of rows is what `xcom status` must not do. `exact` counts them all anyway.
 */
export async function boundedCount(engine: SqlEngine, target: CountTarget, limit: number, exact: boolean): Promise<RowCount> {
  const from = `"${target.schema}".${target.table}${target.where ? ` where ${target.where}` : ''}`;
  const [row] = await engine.query<{ n: number }>(
    exact ? `select count(*)::int8 as n from ${from}` : `select count(*)::int8 as n from (select from ${from} limit ${limit + 1}) x`,
  );
  const counted = Number(row?.n ?? 0);
  if (exact || counted <= limit) return { value: counted, estimated: false };
  const [stats] = await engine.query<{ n: number | null }>(
    `select c.reltuples::float8 as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
      where s.nspname = $1 and c.relname = $2`,
    [target.schema, target.estimateFrom],
  );
  // Statistics may lag (or be missing: -1) right after a bulk load; what was counted is a floor.
  return { value: Math.max(Math.round(stats?.n ?? 0), counted), estimated: true };
}
