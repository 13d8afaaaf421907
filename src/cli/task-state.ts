import type { TaskInstanceRow } from './queries/task-states';

/**
 * A task instance's state as the store can tell it (Airflow's `tasks states-for-dag-run` reads its metadata
 * database; here the instance's owner and its ledger say it):
 *   success   an attempt committed and owns the instance (its keys are there, or it pushed none)
 *   cleared   entries were written and have been removed since (xcom clear, a retention class)
 *   failed    no attempt committed, and one failed after pushing (its pushes were discarded); a retry may follow
 *   external  entries written outside a task attempt (XComClient, store.set)
 */
export type TaskState = 'success' | 'cleared' | 'failed' | 'external';

export function taskState(row: TaskInstanceRow): TaskState {
  if (row.attempt !== null) return row.keys === 0 && (row.key_count ?? 0) > 0 ? 'cleared' : 'success';
  if (row.keys > 0) return 'external';
  return row.discarded > 0 ? 'failed' : 'cleared';
}

/** "2 written, 1 fenced": the ledger outcomes that occurred. */
export function ledgerSummary(row: TaskInstanceRow): string {
  const outcomes = ['written', 'fenced', 'superseded', 'deleted', 'discarded'] as const;
  return outcomes.filter((o) => row[o] > 0).map((o) => `${row[o]} ${o}`).join(', ');
}

/** A task instance as `xcom tasks --json` and the web page's API report it. */
export function taskInstanceItem(row: TaskInstanceRow) {
  return {
    taskId: row.task_id,
    mapIndex: row.map_index,
    state: taskState(row),
    attempt: row.attempt ?? row.last_attempt,
    keys: row.keys,
    storedBytes: row.bytes,
    committedAt: row.committed_at,
    ledger: { written: row.written, fenced: row.fenced, superseded: row.superseded, deleted: row.deleted, discarded: row.discarded },
  };
}
