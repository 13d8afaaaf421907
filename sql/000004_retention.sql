-- Retention: classes per entry, indexes for bounded purges, a bounded ledger (DESIGN.md §8, docs/retention.md).
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.

-- How long an entry outlives the retention of its run:
--   null       the run's retention ('run', the default): removed when its run is purged;
--   a time     its own class ('7 days'): removed once past it, whether or not its run is kept; kept until then;
--   infinity   'forever': kept by every purge (an explicit clear still removes it).
alter table :XCOM_SCHEMA.entries add column keep_until timestamptz;
create index entries_expiring on :XCOM_SCHEMA.entries (keep_until)
  where keep_until is not null and keep_until <> 'infinity';
-- Runs whose entries outlive them are found through this (a purge keeps such a run's row).
create index entries_kept on :XCOM_SCHEMA.entries (dag_id, run_id) where keep_until is not null;

-- Runs newest first, with the run id to break ties: keyset pages of `listRuns`, and `keepLatestRuns`.
drop index :XCOM_SCHEMA.dag_runs_by_date;
create index dag_runs_by_date on :XCOM_SCHEMA.dag_runs (dag_id, (coalesce(logical_date, created_at)) desc, run_id desc);
-- Runs of every DAG by age: `purge` without a DAG filter.
create index dag_runs_by_age on :XCOM_SCHEMA.dag_runs ((coalesce(logical_date, created_at)), dag_id, run_id);

-- The ledger is append-only and trimmed by age: a BRIN index costs almost nothing to keep up.
create index ledger_by_time on :XCOM_SCHEMA.ledger using brin (recorded_at);
-- What a run's deletion also removes.
create index outbox_by_run on :XCOM_SCHEMA.outbox (dag_id, run_id);
create index subscriptions_by_run on :XCOM_SCHEMA.subscriptions (dag_id, run_id) where run_id is not null;

-- The attempt commit takes each entry's keep_until: dropped and created again with one more array.
drop function :XCOM_SCHEMA.commit_attempts(text[], text[], text[], integer[], integer[], bigint[], text[], text[],
  timestamptz[], integer[], text[], bigint[], bigint[], text[], text[], bytea[], text[]);

-- sql/000003_task_instance_ownership.sql explains this function. New: each entry's keep_until, and `superseded` per
-- attempt (group commit gives each caller its own count).
create function :XCOM_SCHEMA.commit_attempts(
  a_dag_ids text[], a_run_ids text[], a_task_ids text[], a_map_indexes integer[], a_attempts integer[],
  a_fences bigint[], a_temporal_run_ids text[], a_activity_types text[], a_logical_dates timestamptz[],
  e_attempts integer[], e_keys text[], e_size_bytes bigint[], e_stored_bytes bigint[], e_digests text[],
  e_encodings text[], e_inline_values bytea[], e_object_keys text[], e_keep_until timestamptz[],
  out won boolean[], out written boolean[], out superseded integer[], out notified integer
) language plpgsql volatile set enable_seqscan = off as $$
declare
  won_attempts integer[];
begin
  with a as (
    select * from unnest(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences, a_temporal_run_ids,
                         a_activity_types, a_logical_dates)
      with ordinality as t(dag_id, run_id, task_id, map_index, attempt, fence, temporal_run_id, activity_type,
                           logical_date, ord)
  ),
  runs as (
    insert into :XCOM_SCHEMA.dag_runs as r (dag_id, run_id, logical_date)
    select distinct on (dag_id, run_id) dag_id, run_id, logical_date
      from a order by dag_id, run_id, logical_date nulls last
    on conflict (dag_id, run_id) do update set logical_date = excluded.logical_date
      where r.logical_date is null and excluded.logical_date is not null
  ),
  claimed as (
    insert into :XCOM_SCHEMA.task_instances as ti
      (dag_id, run_id, task_id, map_index, fence, attempt, temporal_run_id, activity_type, key_count)
    select a.dag_id, a.run_id, a.task_id, a.map_index, a.fence, a.attempt, a.temporal_run_id, a.activity_type,
           (select count(*) from unnest(e_attempts) as ea(n) where ea.n = a.ord)
      from a
     order by a.dag_id, a.run_id, a.task_id, a.map_index
    on conflict (dag_id, run_id, task_id, map_index) do update set
      fence = excluded.fence, attempt = excluded.attempt, temporal_run_id = excluded.temporal_run_id,
      activity_type = excluded.activity_type, key_count = excluded.key_count, committed_at = now()
    where (ti.fence, ti.attempt) <= (excluded.fence, excluded.attempt)
    returning ti.dag_id, ti.run_id, ti.task_id, ti.map_index
  )
  select coalesce(array_agg(a.ord::integer), '{}') into won_attempts
    from a join claimed c using (dag_id, run_id, task_id, map_index);

  with a as (
    select * from unnest(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences, a_temporal_run_ids,
                         a_activity_types, a_logical_dates)
      with ordinality as t(dag_id, run_id, task_id, map_index, attempt, fence, temporal_run_id, activity_type,
                           logical_date, ord)
  ),
  e as (
    select x.ord, a.dag_id, a.run_id, a.task_id, a.map_index, x.key, a.attempt, a.fence, a.temporal_run_id,
           x.size_bytes, x.stored_bytes, x.digest, x.encoding, x.inline_value, x.object_key, x.keep_until,
           a.logical_date, a.activity_type, a.ord = any(won_attempts) as winner
      from unnest(e_attempts, e_keys, e_size_bytes, e_stored_bytes, e_digests, e_encodings, e_inline_values,
                  e_object_keys, e_keep_until)
             with ordinality as x(grp, key, size_bytes, stored_bytes, digest, encoding, inline_value, object_key,
                                  keep_until, ord)
      join a on a.ord = x.grp
  ),
  dropped as (
    delete from :XCOM_SCHEMA.entries d
     using a
     where a.ord = any(won_attempts)
       and d.dag_id = a.dag_id and d.run_id = a.run_id and d.task_id = a.task_id and d.map_index = a.map_index
       and not exists (select 1 from unnest(e_attempts, e_keys) as k(grp, key) where k.grp = a.ord and k.key = d.key)
    returning a.ord, d.dag_id, d.run_id, d.task_id, d.map_index, d.key, d.attempt, d.fence, d.temporal_run_id,
              d.digest, d.size_bytes, d.object_key
  ),
  dropped_ledger as (
    insert into :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
      digest, size_bytes, object_key, outcome)
    select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes, object_key,
           'superseded'
      from dropped
  ),
  upserted as (
    insert into :XCOM_SCHEMA.entries as t (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
      activity_type, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, keep_until)
    select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, activity_type, size_bytes,
           stored_bytes, digest, encoding, inline_value, object_key, keep_until
      from e where winner
    on conflict (dag_id, run_id, task_id, map_index, key) do update set
      attempt = excluded.attempt, fence = excluded.fence, temporal_run_id = excluded.temporal_run_id,
      activity_type = excluded.activity_type, size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes,
      digest = excluded.digest, encoding = excluded.encoding, inline_value = excluded.inline_value,
      object_key = excluded.object_key, keep_until = excluded.keep_until, updated_at = now()
    returning 1
  ),
  woken as (
    select :XCOM_SCHEMA.wake_subscribers(array_agg(dag_id), array_agg(run_id), array_agg(task_id),
             array_agg(map_index), array_agg(key), array_agg(digest), array_agg(size_bytes),
             array_agg(logical_date)) as n
      from e where winner
  ),
  ledger as (
    insert into :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
      digest, size_bytes, object_key, outcome)
    select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes, object_key,
           case when winner then 'written' else 'fenced' end
      from e order by ord
  )
  select coalesce((select array_agg(e.winner order by e.ord) from e), '{}'),
         (select array_agg((select count(*) from dropped d where d.ord = a.ord)::integer order by a.ord) from a),
         (select n from woken), (select array_agg(a.ord = any(won_attempts) order by a.ord) from a)
    into written, superseded, notified, won;
end
$$;
