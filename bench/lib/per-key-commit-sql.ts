// The commit statement as it was before task-instance ownership (sql/000003): one CTE statement, fenced per key.
// Kept only for benchmarks, which time the shipped commit beside it (issue: ownership must cost <= 10% more).
// It writes inline entries only on today's schema (entries now reference `objects`), and fills `run_date`
// (sql/000005) itself as the shipped statements do, so the table's fill-in trigger does not slow this side.
import type { ResolvedIdentity } from '../../src/store/identity';

/** One row ready to upsert: identity, lineage, and the stored form of its value. */
export interface PerKeyEntry {
  readonly identity: ResolvedIdentity;
  readonly attempt: number;
  readonly fence: number;
  readonly temporalRunId: string | null;
  readonly activityType: string | null;
  readonly logicalDate: Date | null;
  readonly sizeBytes: number;
  readonly storedBytes: number;
  readonly digest: string;
  readonly encoding: string;
  readonly inlineValue: Buffer | null;
  readonly objectKey: string | null;
}

export interface CommitRow {
  ord: number;
  written: boolean;
  /** The object the entry pointed at before this statement (to collect when it was replaced). */
  previous_object_key: string | null;
  /** Outbox rows the statement wrote (the same on every row): subscribers to wake. */
  notified: number;
}

const JOIN_KEY = 'using (dag_id, run_id, task_id, map_index, key)';

/**
 * One statement that upserts every entry of a batch, records its run, writes the ledger, writes an outbox row for
 * every cross-DAG subscription watching what it wrote, and reports which writes won. A single statement means one
 * round trip and one commit for the whole batch, entries and outbox together. The fence is the `where` of
 * `on conflict`: a row is replaced only by a write with the same or a higher fence (a newer attempt).
 */
export function perKeyCommitStatement(schema: string): string {
  return `
with input as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[],
                       $8::text[], $9::timestamptz[], $10::int8[], $11::int8[], $12::text[], $13::text[],
                       $14::bytea[], $15::text[], $16::int8[])
    with ordinality as t(dag_id, run_id, task_id, map_index, key, attempt, temporal_run_id, activity_type,
                         logical_date, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, fence,
                         ord)
),
runs as (
  insert into ${schema}.dag_runs as r (dag_id, run_id, logical_date)
  select distinct on (dag_id, run_id) dag_id, run_id, logical_date
    from input order by dag_id, run_id, logical_date nulls last
  on conflict (dag_id, run_id) do update set logical_date = excluded.logical_date
    where r.logical_date is null and excluded.logical_date is not null
),
previous as (
  select p.dag_id, p.run_id, p.task_id, p.map_index, p.key, p.object_key
    from ${schema}.entries p join input ${JOIN_KEY}
),
written as (
  insert into ${schema}.entries as e (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
    activity_type, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, run_date)
  select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, activity_type, size_bytes,
         stored_bytes, digest, encoding, inline_value, object_key, coalesce(logical_date, now())
    from input
  on conflict (dag_id, run_id, task_id, map_index, key) do update set
    attempt = excluded.attempt, fence = excluded.fence, temporal_run_id = excluded.temporal_run_id, activity_type = excluded.activity_type,
    size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes, digest = excluded.digest,
    encoding = excluded.encoding, inline_value = excluded.inline_value, object_key = excluded.object_key,
    run_date = excluded.run_date, updated_at = now()
  where e.fence <= excluded.fence
  returning e.dag_id, e.run_id, e.task_id, e.map_index, e.key
),
-- Cross-DAG waits: wakes the subscriptions watching what was written (an outbox row each, in this transaction).
-- sql/000002_subscriptions.sql explains the lock protocol that keeps this race-free under READ COMMITTED.
woken as (
  select ${schema}.wake_subscribers(array_agg(i.dag_id), array_agg(i.run_id), array_agg(i.task_id),
           array_agg(i.map_index), array_agg(i.key), array_agg(i.digest), array_agg(i.size_bytes),
           array_agg(i.logical_date)) as notified
    from input i join written w ${JOIN_KEY}
),
ledger as (
  insert into ${schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
    digest, size_bytes, object_key, outcome)
  select i.dag_id, i.run_id, i.task_id, i.map_index, i.key, i.attempt, i.fence, i.temporal_run_id, i.digest,
         i.size_bytes,
         i.object_key, case when w.task_id is null then 'fenced' else 'written' end
    from input i left join written w ${JOIN_KEY}
)
select i.ord::int as ord, w.task_id is not null as written, p.object_key as previous_object_key,
       (select notified from woken) as notified
  from input i left join written w ${JOIN_KEY} left join previous p ${JOIN_KEY}
 order by i.ord`;
}

/** The column arrays `perKeyCommitStatement` unnests, in parameter order. */
export function perKeyCommitParams(entries: readonly PerKeyEntry[]): unknown[] {
  const column = <T>(pick: (e: PerKeyEntry) => T): T[] => entries.map(pick);
  return [
    column((e) => e.identity.dagId),
    column((e) => e.identity.runId),
    column((e) => e.identity.taskId),
    column((e) => e.identity.mapIndex),
    column((e) => e.identity.key),
    column((e) => e.attempt),
    column((e) => e.temporalRunId),
    column((e) => e.activityType),
    column((e) => e.logicalDate),
    column((e) => e.sizeBytes),
    column((e) => e.storedBytes),
    column((e) => e.digest),
    column((e) => e.encoding),
    column((e) => e.inlineValue),
    column((e) => e.objectKey),
    column((e) => e.fence),
  ];
}
