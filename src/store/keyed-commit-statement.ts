import { asArray, type ByteaArray } from './bytea-array-param';
import { isoOrNull, type Lineage, type PreparedEntry } from './commit-statement';

/** An entry written outside a task attempt (`store.set`, the client): fenced on its own key. */
export interface KeyedEntry extends Lineage {
  readonly entry: PreparedEntry;
}

export interface KeyedRow {
  ord: number;
  written: boolean;
}

const JOIN_KEY = 'using (dag_id, run_id, task_id, map_index, key)';

/**
 * Keyed writes: one statement that upserts every entry of a batch, records its run, writes the ledger and the
 * cross-DAG outbox, and reports which writes won. A row is replaced only by a write with the same or a higher fence.
 * These writes do not claim their task instance; the next attempt to commit replaces them with its own key set.
 */
export function keyedCommitStatement(schema: string): string {
  return `
with input as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[],
                       $8::text[], $9::timestamptz[], $10::int8[], $11::int8[], $12::text[], $13::text[],
                       $14::bytea[], $15::text[], $16::int8[], $17::timestamptz[])
    with ordinality as t(dag_id, run_id, task_id, map_index, key, attempt, temporal_run_id, activity_type,
                         logical_date, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, fence,
                         keep_until, ord)
),
-- Every run row is updated (the first logical date given sticks), so RETURNING gives each run's date from the newest
-- version, which this statement keeps locked: the entries below carry it (sql/000005_latest_by_date.sql).
runs as (
  insert into ${schema}.dag_runs as r (dag_id, run_id, logical_date)
  select distinct on (dag_id, run_id) dag_id, run_id, logical_date
    from input order by dag_id, run_id, logical_date nulls last
  on conflict (dag_id, run_id) do update set logical_date = coalesce(r.logical_date, excluded.logical_date)
  returning r.dag_id, r.run_id, coalesce(r.logical_date, r.created_at) as run_date
),
written as (
  insert into ${schema}.entries as e (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
    activity_type, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, keep_until, run_date)
  select i.dag_id, i.run_id, i.task_id, i.map_index, i.key, i.attempt, i.fence, i.temporal_run_id, i.activity_type,
         i.size_bytes, i.stored_bytes, i.digest, i.encoding, i.inline_value, i.object_key, i.keep_until, runs.run_date
    from input i join runs using (dag_id, run_id)
  on conflict (dag_id, run_id, task_id, map_index, key) do update set
    attempt = excluded.attempt, fence = excluded.fence, temporal_run_id = excluded.temporal_run_id,
    activity_type = excluded.activity_type, size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes,
    digest = excluded.digest, encoding = excluded.encoding, inline_value = excluded.inline_value,
    object_key = excluded.object_key, keep_until = excluded.keep_until, run_date = excluded.run_date,
    updated_at = now()
  where e.fence <= excluded.fence
  returning e.dag_id, e.run_id, e.task_id, e.map_index, e.key, e.run_date
),
-- Cross-DAG waits: wakes the subscriptions watching what was written (sql/000002_subscriptions.sql).
woken as (
  select ${schema}.wake_subscribers(array_agg(i.dag_id), array_agg(i.run_id), array_agg(i.task_id),
           array_agg(i.map_index), array_agg(i.key), array_agg(i.digest), array_agg(i.size_bytes),
           array_agg(w.run_date)) as notified
    from input i join written w ${JOIN_KEY}
),
ledger as (
  insert into ${schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
    digest, size_bytes, object_key, outcome)
  select i.dag_id, i.run_id, i.task_id, i.map_index, i.key, i.attempt, i.fence, i.temporal_run_id, i.digest,
         i.size_bytes, i.object_key, case when w.task_id is null then 'fenced' else 'written' end
    from input i left join written w ${JOIN_KEY}
   order by i.ord
)
select i.ord::int as ord, w.task_id is not null as written, (select notified from woken) as notified
  from input i left join written w ${JOIN_KEY}
 order by i.ord`;
}

/** The column arrays `keyedCommitStatement` unnests, in parameter order (`byteaArray`: as in `commitParams`). */
export function keyedCommitParams(writes: readonly KeyedEntry[], byteaArray: ByteaArray = asArray): unknown[] {
  const column = <T>(pick: (w: KeyedEntry) => T): T[] => writes.map(pick);
  return [
    column((w) => w.entry.identity.dagId),
    column((w) => w.entry.identity.runId),
    column((w) => w.entry.identity.taskId),
    column((w) => w.entry.identity.mapIndex),
    column((w) => w.entry.identity.key),
    column((w) => w.attempt),
    column((w) => w.temporalRunId ?? null),
    column((w) => w.activityType ?? null),
    column((w) => isoOrNull(w.logicalDate)),
    column((w) => w.entry.sizeBytes),
    column((w) => w.entry.storedBytes),
    column((w) => w.entry.digest),
    column((w) => w.entry.encoding),
    byteaArray(column((w) => w.entry.inlineValue)),
    column((w) => w.entry.objectKey),
    column((w) => w.fence),
    column((w) => w.entry.keepUntil),
  ];
}
