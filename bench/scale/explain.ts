import type { QueryOptions, SqlEngine } from '../../src/engines/sql-engine';

export interface SentStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** An engine that remembers the statements sent through `query`, so the bench can EXPLAIN exactly what the store ran. */
export function recordingEngine(engine: SqlEngine): SqlEngine & { sent: SentStatement[] } {
  const sent: SentStatement[] = [];
  return {
    ...engine,
    sent,
    query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]> {
      sent.push({ sql, params: params ?? [] });
      return engine.query<R>(sql, params, options);
    },
  };
}

/** The statements `action` sends, in order (only those sent through `query`). */
export async function statementsOf(
  engine: SqlEngine & { sent: SentStatement[] },
  action: () => Promise<unknown>,
): Promise<SentStatement[]> {
  engine.sent.length = 0;
  await action();
  return engine.sent.splice(0);
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement as sent, with its parameters. */
export async function explainAnalyze(engine: SqlEngine, statement: SentStatement): Promise<string> {
  const rows = await engine.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers, costs off) ${statement.sql}`,
    statement.params,
  );
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}
