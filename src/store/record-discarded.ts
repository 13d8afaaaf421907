import type { SqlEngine } from '../engines/sql-engine';
import { resolveIdentity } from './identity';
import type { DiscardedWrite } from './types';

/** Ledger rows `discarded` for what a failed attempt pushed: it never reaches the entries. */
export async function recordDiscarded(engine: SqlEngine, schema: string, writes: readonly DiscardedWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const ids = writes.map((w) => resolveIdentity(w));
  const column = <T>(pick: (w: DiscardedWrite, i: number) => T): T[] => writes.map(pick);
  await engine.query(
    `insert into ${schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, outcome)
     select *, 'discarded' from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[],
                                       $7::int8[], $8::text[])`,
    [
      column((_w, i) => ids[i]!.dagId),
      column((_w, i) => ids[i]!.runId),
      column((_w, i) => ids[i]!.taskId),
      column((_w, i) => ids[i]!.mapIndex),
      column((_w, i) => ids[i]!.key),
      column((w) => w.attempt),
      column((w) => w.fence ?? w.attempt),
      column((w) => w.temporalRunId ?? null),
    ],
  );
}
