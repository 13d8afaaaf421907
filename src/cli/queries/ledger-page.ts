import type { SqlEngine } from '../../engines/sql-engine';
import { ledgerRecordFromRow, type LedgerRow } from '../../store/entry-rows';
import type { LedgerRecord } from '../../store/types';
import { cursorArg, encodeCursor } from './cursor';

export interface LedgerPageRequest {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId?: string;
  readonly mapIndex?: number;
  readonly key?: string;
  readonly outcome?: LedgerRecord['outcome'];
  readonly limit: number;
  readonly after?: LedgerCursor;
}

/** Where a page of `xcom ledger` ends: the last id shown. */
export const ledgerCursorArg = cursorArg('ledger', ['number'] as const);
export type LedgerCursor = ReturnType<typeof ledgerCursorArg>;

export interface LedgerPage {
  readonly records: readonly LedgerRecord[];
  readonly next?: string;
}

/**
 * A run's ledger in the order it was written (by id), a page at a time. `ledger_by_entry` finds the run's rows;
 * the cursor is the last id shown.
 */
export async function ledgerPage(engine: SqlEngine, schema: string, request: LedgerPageRequest): Promise<LedgerPage> {
  const params: unknown[] = [request.dagId, request.runId];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where = ['dag_id = $1', 'run_id = $2'];
  if (request.taskId !== undefined) where.push(`task_id = ${bind(request.taskId)}`);
  if (request.mapIndex !== undefined) where.push(`map_index = ${bind(request.mapIndex)}`);
  if (request.key !== undefined) where.push(`key = ${bind(request.key)}`);
  if (request.outcome !== undefined) where.push(`outcome = ${bind(request.outcome)}`);
  if (request.after !== undefined) {
    const [id] = request.after;
    where.push(`id > ${bind(id)}`);
  }
  const rows = await engine.query<LedgerRow>(
    `select * from ${schema}.ledger where ${where.join(' and ')} order by id limit ${request.limit + 1}`,
    params,
  );
  const records = rows.slice(0, request.limit).map(ledgerRecordFromRow);
  const last = records.at(-1);
  if (rows.length <= request.limit || !last) return { records };
  return { records, next: encodeCursor('ledger', [last.id]) };
}
