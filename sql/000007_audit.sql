-- The audit trail: reads, consumption lineage and deletions (DESIGN.md §8, docs/audit.md).
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.

-- One row per thing that happened to an entry version, append-only, trimmed by age with the ledger (trimLedger).
-- It outlives the runs it names on purpose: a purge removes a run's entries and ledger, and its audit rows say who
-- purged it and who had read what.
--   read     a task attempt read an entry version (reader_* and the entry's identity and digest)
--   delete   entries were removed (actor_kind says by whom: retention, the CLI, a client, a task; `entries` how
--            many; the identity as far as the operation named one: a run, a task, one entry)
create table :XCOM_SCHEMA.audit (
  id               bigint      generated always as identity primary key,
  action           text        not null check (action in ('read', 'delete')),
  -- task: a task attempt (reads, and xcom.purge/clear* from activity code); retention: the cleanup schedule;
  -- cli: the `xcom` command line; client: XComClient or store calls outside a worker.
  actor_kind       text        not null check (actor_kind in ('task', 'retention', 'cli', 'client')),
  -- Who, in words: 'dag/run/task[map] attempt N', 'alice: xcom purge', the operation's name.
  actor            text,
  -- The reading (or deleting) task attempt, when the actor is one.
  reader_dag_id    text,
  reader_run_id    text,
  reader_task_id   text,
  reader_map_index integer,
  reader_attempt   integer,
  reader_fence     bigint,
  -- committed: the reading attempt committed; failed: it failed (recorded on a best-effort basis, docs/audit.md).
  reader_outcome   text        check (reader_outcome in ('committed', 'failed')),
  -- The entry version (a delete of a whole run names no task; of a whole DAG, no run).
  dag_id           text,
  run_id           text,
  task_id          text,
  map_index        integer,
  key              text,
  digest           text,
  -- A delete: how many entries it removed.
  entries          integer,
  -- When it happened: a read's first time in its attempt (the worker's clock); the row is written later, when the
  -- attempt commits (recorded_at).
  occurred_at      timestamptz not null default now(),
  recorded_at      timestamptz not null default now()
);
-- Lineage: the readers of a run's (or a task's) entry versions, in keyset order.
create index audit_by_entry on :XCOM_SCHEMA.audit (dag_id, run_id, task_id, map_index, key, id)
  where action = 'read';
-- What a task instance read (its inputs).
create index audit_by_reader on :XCOM_SCHEMA.audit (reader_dag_id, reader_run_id, reader_task_id, id)
  where reader_task_id is not null;
-- Append-only and trimmed by age, like the ledger.
create index audit_by_time on :XCOM_SCHEMA.audit using brin (recorded_at);

-- THE COMMIT OF AN ATTEMPT, now also recording what the attempt read (otherwise as in
-- sql/000005_latest_by_date.sql, and sql/000003_task_instance_ownership.sql which explains it). The reads travel in
-- the same call: auditing adds rows to the commit's transaction, not a round trip per read.
-- Reads: r_* arrays, one per distinct entry version read, r_attempts giving the reading attempt's 1-based position.
-- Every attempt's reads are recorded, won or not: a fenced attempt still ran and saw those values.
create function :XCOM_SCHEMA.commit_attempts(
  a_dag_ids text[], a_run_ids text[], a_task_ids text[], a_map_indexes integer[], a_attempts integer[],
  a_fences bigint[], a_temporal_run_ids text[], a_activity_types text[], a_logical_dates timestamptz[],
  e_attempts integer[], e_keys text[], e_size_bytes bigint[], e_stored_bytes bigint[], e_digests text[],
  e_encodings text[], e_inline_values bytea[], e_object_keys text[], e_keep_until timestamptz[],
  r_attempts integer[], r_dag_ids text[], r_run_ids text[], r_task_ids text[], r_map_indexes integer[],
  r_keys text[], r_digests text[], r_read_at timestamptz[],
  out won boolean[], out written boolean[], out superseded integer[], out notified integer
) language plpgsql volatile set enable_seqscan = off set plan_cache_mode = force_generic_plan as $$
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

  -- A new statement: it sees every key the previous owner committed, and each run's date as of our lock on its row.
  with a as (
    select t.*, coalesce(r.logical_date, r.created_at) as run_date
      from unnest(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences, a_temporal_run_ids,
                  a_activity_types, a_logical_dates)
             with ordinality as t(dag_id, run_id, task_id, map_index, attempt, fence, temporal_run_id, activity_type,
                                  logical_date, ord)
      join :XCOM_SCHEMA.dag_runs r on r.dag_id = t.dag_id and r.run_id = t.run_id
  ),
  e as (
    select x.ord, a.dag_id, a.run_id, a.task_id, a.map_index, x.key, a.attempt, a.fence, a.temporal_run_id,
           x.size_bytes, x.stored_bytes, x.digest, x.encoding, x.inline_value, x.object_key, x.keep_until,
           a.logical_date, a.run_date, a.activity_type, a.ord = any(won_attempts) as winner
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
      activity_type, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, keep_until, run_date)
    select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, activity_type, size_bytes,
           stored_bytes, digest, encoding, inline_value, object_key, keep_until, run_date
      from e where winner
    on conflict (dag_id, run_id, task_id, map_index, key) do update set
      attempt = excluded.attempt, fence = excluded.fence, temporal_run_id = excluded.temporal_run_id,
      activity_type = excluded.activity_type, size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes,
      digest = excluded.digest, encoding = excluded.encoding, inline_value = excluded.inline_value,
      object_key = excluded.object_key, keep_until = excluded.keep_until, run_date = excluded.run_date,
      updated_at = now()
    returning 1
  ),
  woken as (
    select :XCOM_SCHEMA.wake_subscribers(array_agg(dag_id), array_agg(run_id), array_agg(task_id),
             array_agg(map_index), array_agg(key), array_agg(digest), array_agg(size_bytes),
             array_agg(run_date)) as n
      from e where winner
  ),
  ledger as (
    insert into :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
      digest, size_bytes, object_key, outcome)
    select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes, object_key,
           case when winner then 'written' else 'fenced' end
      from e order by ord
  ),
  audited as (
    insert into :XCOM_SCHEMA.audit (action, actor_kind, actor, reader_dag_id, reader_run_id, reader_task_id,
      reader_map_index, reader_attempt, reader_fence, reader_outcome, dag_id, run_id, task_id, map_index, key, digest,
      occurred_at)
    select 'read', 'task', null, a.dag_id, a.run_id, a.task_id, a.map_index, a.attempt, a.fence, 'committed',
           x.dag_id, x.run_id, x.task_id, x.map_index, x.key, x.digest, coalesce(x.read_at, now())
      from unnest(r_attempts, r_dag_ids, r_run_ids, r_task_ids, r_map_indexes, r_keys, r_digests, r_read_at)
             as x(grp, dag_id, run_id, task_id, map_index, key, digest, read_at)
      join a on a.ord = x.grp
  )
  select coalesce((select array_agg(e.winner order by e.ord) from e), '{}'),
         (select array_agg((select count(*) from dropped d where d.ord = a.ord)::integer order by a.ord) from a),
         (select n from woken), (select array_agg(a.ord = any(won_attempts) order by a.ord) from a)
    into written, superseded, notified, won;
end
$$;

-- The signature before this migration, for workers of the previous version during a rolling upgrade: it commits as
-- before and records no reads.
create or replace function :XCOM_SCHEMA.commit_attempts(
  a_dag_ids text[], a_run_ids text[], a_task_ids text[], a_map_indexes integer[], a_attempts integer[],
  a_fences bigint[], a_temporal_run_ids text[], a_activity_types text[], a_logical_dates timestamptz[],
  e_attempts integer[], e_keys text[], e_size_bytes bigint[], e_stored_bytes bigint[], e_digests text[],
  e_encodings text[], e_inline_values bytea[], e_object_keys text[], e_keep_until timestamptz[],
  out won boolean[], out written boolean[], out superseded integer[], out notified integer
) language sql volatile as $$
  select c.won, c.written, c.superseded, c.notified
    from :XCOM_SCHEMA.commit_attempts(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences,
           a_temporal_run_ids, a_activity_types, a_logical_dates, e_attempts, e_keys, e_size_bytes, e_stored_bytes,
           e_digests, e_encodings, e_inline_values, e_object_keys, e_keep_until, '{}', '{}', '{}', '{}', '{}', '{}',
           '{}', '{}') as c
$$;
