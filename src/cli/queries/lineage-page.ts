import type { SqlEngine } from '../../engines/sql-engine';
import { cursorArg, encodeCursor } from './cursor';

export interface LineageRequest {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId?: string;
  readonly mapIndex?: number;
  readonly key?: string;
  readonly limit: number;
  readonly after?: LineageCursor;
}

/** One read of an entry version: which version (identity and digest), which task attempt read it, and when. */
export interface LineageRead {
  readonly id: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly key: string;
  readonly digest: string;
  readonly reader: {
    readonly dagId: string;
    readonly runId: string;
    readonly taskId: string;
    readonly mapIndex: number;
    readonly attempt: number;
    /** committed: the attempt committed (its result counts); failed: it failed after reading. */
    readonly outcome: 'committed' | 'failed';
  };
  readonly readAt: Date;
}

/** Where a page of `xcom lineage` ends: the last read shown (task, map index, key, id). */
export const lineageCursorArg = cursorArg('lineage', ['string', 'number', 'string', 'number'] as const);
export type LineageCursor = ReturnType<typeof lineageCursorArg>;

export interface LineagePage {
  readonly reads: readonly LineageRead[];
  readonly next?: string;
}

interface LineageRow {
  id: string | number;
  task_id: string;
  map_index: number;
  key: string;
  digest: string;
  reader_dag_id: string;
  reader_run_id: string;
  reader_task_id: string;
  reader_map_index: number;
  reader_attempt: number;
  reader_outcome: 'committed' | 'failed';
  occurred_at: Date;
}

/**
 * Consumption lineage of a run (or one task's entries): every recorded read of its entry versions, by entry then in
 * the order recorded, a page at a time. `audit_by_entry` serves the filter, the order and the cursor.
 */
export async function lineagePage(engine: SqlEngine, schema: string, request: LineageRequest): Promise<LineagePage> {
  const params: unknown[] = [request.dagId, request.runId];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where = [`action = 'read'`, 'dag_id = $1', 'run_id = $2'];
  if (request.taskId !== undefined) where.push(`task_id = ${bind(request.taskId)}`);
  if (request.mapIndex !== undefined) where.push(`map_index = ${bind(request.mapIndex)}`);
  if (request.key !== undefined) where.push(`key = ${bind(request.key)}`);
  if (request.after !== undefined) {
    const [taskId, mapIndex, key, id] = request.after;
    where.push(`(task_id, map_index, key, id) > (${bind(taskId)}, ${bind(mapIndex)}::int, ${bind(key)}, ${bind(id)}::int8)`);
  }
  const rows = await engine.query<LineageRow>(
    `select id, task_id, map_index, key, digest, reader_dag_id, reader_run_id, reader_task_id, reader_map_index,
            reader_attempt, reader_outcome, occurred_at
       from ${schema}.audit where ${where.join(' and ')}
      order by dag_id, run_id, task_id, map_index, key, id limit ${request.limit + 1}`,
    params,
  );
  const reads = rows.slice(0, request.limit).map(lineageRead);
  const last = reads.at(-1);
  if (rows.length <= request.limit || !last) return { reads };
  return { reads, next: encodeCursor('lineage', [last.taskId, last.mapIndex, last.key, last.id]) };
}

function lineageRead(row: LineageRow): LineageRead {
  return {
    id: Number(row.id),
    taskId: row.task_id,
    mapIndex: row.map_index,
    key: row.key,
    digest: row.digest,
    reader: {
      dagId: row.reader_dag_id,
      runId: row.reader_run_id,
      taskId: row.reader_task_id,
      mapIndex: row.reader_map_index,
      attempt: row.reader_attempt,
      outcome: row.reader_outcome,
    },
    readAt: row.occurred_at,
  };
}
