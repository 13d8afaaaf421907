import { readColumns, type FailedAttemptReads } from '../audit/audited-read';
import type { SqlEngine } from '../engines/sql-engine';
import { resolveIdentity } from './identity';
import type { DiscardedWrite } from './types';

/**
 * Ledger rows `discarded` for what a failed attempt pushed (it never reaches the entries), and audit rows for what it
 * read (reader outcome `failed`), in one statement.
 */
export async function recordDiscarded(
  engine: SqlEngine,
  schema: string,
  writes: readonly DiscardedWrite[],
  failed?: FailedAttemptReads,
): Promise<void> {
  const reads = failed?.reads ?? [];
  if (writes.length === 0 && reads.length === 0) return;
  const ids = writes.map((w) => resolveIdentity(w));
  const column = <T>(pick: (w: DiscardedWrite, i: number) => T): T[] => writes.map(pick);
  const reader = failed?.reader;
  await engine.query(
    `with ledger as (
       insert into ${schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, outcome)
       select *, 'discarded' from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[],
                                         $7::int8[], $8::text[]))
     insert into ${schema}.audit (action, actor_kind, reader_dag_id, reader_run_id, reader_task_id, reader_map_index,
       reader_attempt, reader_fence, reader_outcome, dag_id, run_id, task_id, map_index, key, digest, occurred_at)
     select 'read', 'task', $9::text, $10::text, $11::text, $12::int, $13::int, $14::int8, 'failed', r.*
       from unnest($15::text[], $16::text[], $17::text[], $18::int[], $19::text[], $20::text[], $21::timestamptz[]) as r`,
    [
      column((_w, i) => ids[i]!.dagId),
      column((_w, i) => ids[i]!.runId),
      column((_w, i) => ids[i]!.taskId),
      column((_w, i) => ids[i]!.mapIndex),
      column((_w, i) => ids[i]!.key),
      column((w) => w.attempt),
      column((w) => w.fence ?? w.attempt),
      column((w) => w.temporalRunId ?? null),
      reader?.dagId ?? null,
      reader?.runId ?? null,
      reader?.taskId ?? null,
      reader?.mapIndex ?? null,
      reader?.attempt ?? null,
      reader?.fence ?? null,
      ...readColumns(reads),
    ],
  );
}
