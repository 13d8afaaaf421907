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

/** What a run's (or a task's) attempts read: its inputs, from any DAG or run. */
export interface InputsRequest {
  readonly dagId: string;
  readonly runId: string;
  /** Only this task's reads. */
  readonly taskId?: string;
  readonly mapIndex?: number;
  readonly limit: number;
  readonly after?: InputsCursor;
}

/** One read of an entry version: which version (identity and digest), which task attempt read it, and when. */
export interface LineageRead {
  readonly id: number;
  /** The entry version read (a reader may read another DAG's or run's). */
  readonly dagId: string;
  readonly runId: string;
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
    readonly outcome: 'committed' | 'failed' | 'fenced';
  };
  readonly readAt: Date;
}

/** Where a page of `xcom lineage` ends: the last read shown (task, map index, key, id). */
export const lineageCursorArg = cursorArg('lineage', ['string', 'number', 'string', 'number'] as const);
export type LineageCursor = ReturnType<typeof lineageCursorArg>;

/** Where a page of `xcom lineage --upstream` ends: the last read shown (reading task, id). */
export const inputsCursorArg = cursorArg('lineage --upstream', ['string', 'number'] as const);
export type InputsCursor = ReturnType<typeof inputsCursorArg>;

export interface LineagePage {
  readonly reads: readonly LineageRead[];
  readonly next?: string;
}

interface LineageRow {
  id: string | number;
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  digest: string;
  reader_dag_id: string;
  reader_run_id: string;
  reader_task_id: string;
  reader_map_index: number;
  reader_attempt: number;
  reader_outcome: 'committed' | 'failed' | 'fenced';
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
    `select ${COLUMNS} from ${schema}.audit where ${where.join(' and ')}
      order by dag_id, run_id, task_id, map_index, key, id limit ${request.limit + 1}`,
    params,
  );
  const reads = rows.slice(0, request.limit).map(lineageRead);
  const last = reads.at(-1);
  if (rows.length <= request.limit || !last) return { reads };
  return { reads, next: encodeCursor('lineage', [last.taskId, last.mapIndex, last.key, last.id]) };
}

/**
 * Upstream lineage: every recorded read by a run's task attempts (or one task's), by reading task then in the order
 * recorded, a page at a time. `audit_by_reader` serves the filter, the order and the cursor.
 */
export async function inputsPage(engine: SqlEngine, schema: string, request: InputsRequest): Promise<LineagePage> {
  const params: unknown[] = [request.dagId, request.runId];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where = [`action = 'read'`, 'reader_dag_id = $1', 'reader_run_id = $2', 'reader_task_id is not null'];
  if (request.taskId !== undefined) where.push(`reader_task_id = ${bind(request.taskId)}`);
  if (request.mapIndex !== undefined) where.push(`reader_map_index = ${bind(request.mapIndex)}`);
  if (request.after !== undefined) {
    const [taskId, id] = request.after;
    where.push(`(reader_task_id, id) > (${bind(taskId)}, ${bind(id)}::int8)`);
  }
  const rows = await engine.query<LineageRow>(
    `select ${COLUMNS} from ${schema}.audit where ${where.join(' and ')}
      order by reader_dag_id, reader_run_id, reader_task_id, id limit ${request.limit + 1}`,
    params,
  );
  const reads = rows.slice(0, request.limit).map(lineageRead);
  const last = reads.at(-1);
  if (rows.length <= request.limit || !last) return { reads };
  return { reads, next: encodeCursor('lineage --upstream', [last.reader.taskId, last.id]) };
}

const COLUMNS = `id, dag_id, run_id, task_id, map_index, key, digest, reader_dag_id, reader_run_id, reader_task_id,
  reader_map_index, reader_attempt, reader_outcome, occurred_at`;

function lineageRead(row: LineageRow): LineageRead {
  return {
    id: Number(row.id),
    dagId: row.dag_id,
    runId: row.run_id,
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
