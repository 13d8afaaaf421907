--! breaking-change
-- Task-instance ownership and the object-collection protocol (DESIGN.md §3).
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
-- Breaking: entries now reference `objects`, so code that inserts entries without touching `objects` first must not
-- run against this schema.

-- OWNERSHIP
--
-- A task instance (dag, run, task, map index) has one owner at a time: the newest attempt to commit, by fence (the
-- attempt's scheduled time) and then attempt number. An attempt's commit claims the instance's row here; the claim is
-- the serialisation point (a row lock held to COMMIT). A claim that loses writes nothing; a claim that wins replaces
-- the instance's whole key set. Writes outside an attempt (store.set, the client) do not claim and stay per key.
create table :XCOM_SCHEMA.task_instances (
  dag_id          text        not null,
  run_id          text        not null,
  task_id         text        not null,
  map_index       integer     not null check (map_index >= -1),
  fence           bigint      not null check (fence >= 0),
  attempt         integer     not null check (attempt >= 0),
  temporal_run_id text,
  activity_type   text,
  -- Keys the owning attempt wrote (an attempt may own an instance and have written nothing).
  key_count       integer     not null,
  committed_at    timestamptz not null default now(),
  primary key (dag_id, run_id, task_id, map_index),
  foreign key (dag_id, run_id) references :XCOM_SCHEMA.dag_runs (dag_id, run_id) on delete cascade
);

-- The owners of what is already stored: the newest attempt per instance.
insert into :XCOM_SCHEMA.task_instances
  (dag_id, run_id, task_id, map_index, fence, attempt, temporal_run_id, activity_type, key_count, committed_at)
select distinct on (dag_id, run_id, task_id, map_index)
       dag_id, run_id, task_id, map_index, greatest(fence, 0), attempt, temporal_run_id, activity_type,
       count(*) over (partition by dag_id, run_id, task_id, map_index), updated_at
  from :XCOM_SCHEMA.entries
 where attempt > 0
 order by dag_id, run_id, task_id, map_index, fence desc, attempt desc;

-- OBJECTS
--
-- Every stored object has a row here, written (committed) by the writer BEFORE it uploads, and entries reference it
-- with a foreign key. Nothing on the write or delete path removes an object: equal content shares a key, so a
-- writer that has uploaded but not committed yet may need an object that no row references. The sweeper
-- (src/objects/sweep-objects.ts) removes an object only when
--   * no entry references it and nobody touched it for the grace period (longer than any upload-to-commit window),
--   * it holds the row's lock (FOR UPDATE) and re-checked "no entry" in a statement started after taking it, and
--   * it deletes the stored object first, then the row, in that one transaction.
-- A writer touching the row meanwhile waits for the lock and then re-creates the row and uploads again; a commit
-- whose entry references a row the sweeper removed fails its foreign-key check instead of pointing at nothing.
create table :XCOM_SCHEMA.objects (
  object_key  text        primary key,
  size_bytes  bigint,
  touched_at  timestamptz not null default now(),
  created_at  timestamptz not null default now()
);
create index objects_by_touch on :XCOM_SCHEMA.objects (touched_at);

insert into :XCOM_SCHEMA.objects (object_key, size_bytes)
select object_key, max(stored_bytes) from :XCOM_SCHEMA.entries where object_key is not null group by object_key;

alter table :XCOM_SCHEMA.entries
  add constraint entries_object_fkey foreign key (object_key) references :XCOM_SCHEMA.objects (object_key);

-- What the sweeper removed, for debugging; it trims this table itself.
create table :XCOM_SCHEMA.collected_objects (
  id           bigint      generated always as identity primary key,
  object_key   text        not null,
  size_bytes   bigint,
  -- unreferenced: a row no entry pointed at; orphan: a stored object with no row (a crash between upload and row).
  reason       text        not null check (reason in ('unreferenced', 'orphan')),
  collected_at timestamptz not null default now()
);
create index collected_objects_by_time on :XCOM_SCHEMA.collected_objects (collected_at);

-- LEDGER: keys a newer owner did not write are removed by its commit and recorded as superseded.
alter table :XCOM_SCHEMA.ledger drop constraint ledger_outcome_check;
alter table :XCOM_SCHEMA.ledger add constraint ledger_outcome_check
  check (outcome in ('written', 'fenced', 'superseded', 'deleted', 'discarded'));

-- An entry's own retention, written by the commit (its meaning and indexes: sql/000004_retention.sql).
alter table :XCOM_SCHEMA.entries add column keep_until timestamptz;

-- THE COMMIT OF AN ATTEMPT
--
-- One call per commit: one round trip, one transaction. It takes arrays (one element per attempt, then one per entry)
-- and runs two statements. It must be VOLATILE plpgsql: the second statement needs a snapshot taken after the first
-- statement's row locks were granted (READ COMMITTED gives each statement of a volatile function its own).
--   1. Upsert the runs and claim the attempts' instances (`on conflict … where` the stored owner is not newer). A
--      claim waits for a concurrent claim of the same instance to commit and then re-checks against it.
--   2. For each instance won: delete the keys it did not write (ledger: superseded) and upsert its entries
--      unconditionally (it owns the instance); ledger rows for everything (written / fenced); wake cross-DAG
--      subscribers of what was written.
-- Folded into one statement, step 2's delete would use a snapshot from before the wait and miss keys the previous
-- owner committed meanwhile: a torn key set. (Keyed writes outside an attempt use a plain per-key upsert, in
-- src/store/keyed-commit-statement.ts.)
--
-- enable_seqscan is off inside: every statement here is a lookup by key, and a plan cached while the tables were
-- small would otherwise hash-join the attempts with a sequential scan of `entries` for as long as the session lives.
--
-- Attempts: a_* arrays, one element per attempt; they must name distinct instances. Entries: e_* arrays, one per
-- entry, e_attempts giving its attempt's 1-based position. Out: per attempt whether it won and how many keys it
-- superseded (group commit gives each caller its own), per entry whether it was written.
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
     -- One lock order for every committer: two batches never wait for each other in a cycle.
     order by a.dag_id, a.run_id, a.task_id, a.map_index
    on conflict (dag_id, run_id, task_id, map_index) do update set
      fence = excluded.fence, attempt = excluded.attempt, temporal_run_id = excluded.temporal_run_id,
      activity_type = excluded.activity_type, key_count = excluded.key_count, committed_at = now()
    where (ti.fence, ti.attempt) <= (excluded.fence, excluded.attempt)
    returning ti.dag_id, ti.run_id, ti.task_id, ti.map_index
  )
  select coalesce(array_agg(a.ord::integer), '{}') into won_attempts
    from a join claimed c using (dag_id, run_id, task_id, map_index);

  -- A new statement: it sees every key the previous owner committed, including while we waited for its row lock.
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
  -- Cross-DAG waits: an outbox row for every subscription watching what was written (sql/000002_subscriptions.sql).
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
