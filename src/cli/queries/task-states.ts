import type { SqlEngine } from '../../engines/sql-engine';
import { cursorArg, encodeCursor } from './cursor';

export interface TaskStateRequest {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId?: string;
  readonly limit: number;
  readonly after?: TaskCursor;
}

/** Where a page of `xcom tasks` ends: task id and map index. */
export const taskCursorArg = cursorArg('tasks', ['string', 'number'] as const);
export type TaskCursor = ReturnType<typeof taskCursorArg>;

/** What the store knows about one task instance of a run: its owner, its entries now, and its ledger. */
export interface TaskInstanceRow {
  readonly task_id: string;
  readonly map_index: number;
  /** The owning attempt (the newest to commit), or null when no attempt committed. */
  readonly attempt: number | null;
  readonly key_count: number | null;
  readonly committed_at: Date | null;
  readonly keys: number;
  readonly bytes: number;
  readonly written: number;
  readonly fenced: number;
  readonly superseded: number;
  readonly deleted: number;
  readonly discarded: number;
  readonly last_attempt: number | null;
  readonly last_recorded_at: Date | null;
}

export interface TaskStatePage {
  readonly rows: readonly TaskInstanceRow[];
  readonly next?: string;
}

/**
 * The task instances of one run, by task and map index: owners from `task_instances`, entries present now, and
 * ledger outcomes, joined. Each source is read in its own index order (primary keys and `ledger_by_entry`) and cut
 * to the page's size before the join, so a page of a run with many mapped instances stays a page's worth of work:
 * the first N instances overall are among the first N of whichever source has them.
 */
export async function taskStatePage(engine: SqlEngine, schema: string, request: TaskStateRequest): Promise<TaskStatePage> {
  const params: unknown[] = [request.dagId, request.runId];
  const bind = (value: unknown) => `$${params.push(value)}`;
  let scope = 'dag_id = $1 and run_id = $2';
  if (request.taskId !== undefined) scope += ` and task_id = ${bind(request.taskId)}`;
  if (request.after !== undefined) {
    const [taskId, mapIndex] = request.after;
    scope += ` and (task_id, map_index) > (${bind(taskId)}::text, ${bind(mapIndex)}::int)`;
  }
  const n = request.limit + 1;
  const rows = await engine.query<TaskInstanceRow>(
    `with owners as (
       select task_id, map_index, attempt, key_count, committed_at from ${schema}.task_instances
        where ${scope} order by task_id, map_index limit ${n}
     ),
     present as (
       select task_id, map_index, count(*)::int as keys, coalesce(sum(stored_bytes), 0)::int8 as bytes
         from ${schema}.entries where ${scope} group by task_id, map_index order by task_id, map_index limit ${n}
     ),
     history as (
       select task_id, map_index,
              count(*) filter (where outcome = 'written')::int as written,
              count(*) filter (where outcome = 'fenced')::int as fenced,
              count(*) filter (where outcome = 'superseded')::int as superseded,
              count(*) filter (where outcome = 'deleted')::int as deleted,
              count(*) filter (where outcome = 'discarded')::int as discarded,
              max(attempt) as last_attempt, max(recorded_at) as last_recorded_at
         from ${schema}.ledger where ${scope} group by task_id, map_index order by task_id, map_index limit ${n}
     )
     select task_id, map_index, o.attempt, o.key_count, o.committed_at,
            coalesce(p.keys, 0) as keys, coalesce(p.bytes, 0) as bytes,
            coalesce(h.written, 0) as written, coalesce(h.fenced, 0) as fenced,
            coalesce(h.superseded, 0) as superseded, coalesce(h.deleted, 0) as deleted,
            coalesce(h.discarded, 0) as discarded, h.last_attempt, h.last_recorded_at
       from owners o full join present p using (task_id, map_index) full join history h using (task_id, map_index)
      order by task_id, map_index limit ${n}`,
    params,
  );
  const page = rows.slice(0, request.limit).map((r) => ({ ...r, bytes: Number(r.bytes) }));
  const last = page.at(-1);
  if (rows.length <= request.limit || !last) return { rows: page };
  return { rows: page, next: encodeCursor('tasks', [last.task_id, last.map_index]) };
}
