-- Latest-by-date lookups in one index descent (issue 13).
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
--
-- THE PROBLEM
--
-- `includePriorDates` pulls, the "any run" lookup of a registering wait, and `count` ask for the newest rows of one
-- (dag, task, key) by the date of their run. That date lived only on `dag_runs`, so the planner walked every run of the
-- DAG by date and probed `entries` once per run (or read every row of the key and sorted): linear in the runs of a DAG.
--
-- THE DESIGN
--
-- Every entry carries its run's date, `run_date` = coalesce(logical_date, created_at) of its `dag_runs` row (the
-- order Airflow uses, created_at standing in for run_after), and one index orders a key's rows by it:
--   entries_latest (dag_id, task_id, key, run_date desc, run_id desc, map_index)
-- The newest row of a key at or before a date is the first entry of that index past the date: one descent, whatever
-- the number of runs. Map index comes last so a pull of every map index (Airflow's default) reads rows in the order
-- it returns them; a pull of one map index filters the rows it passes, which is the first row whenever the newest
-- qualifying run wrote that index. The index starts with (dag_id, task_id, key), so it replaces `entries_by_task`.
--
-- Keeping the copy right. A run's date changes once at most: its logical date goes from null to a value (the first
-- writer that knows it). Every writer of entries locks its run's row first (the run upsert of both commit statements
-- locks the row even when it changes nothing, until COMMIT), so:
--   * commit_attempts reads the run's date in its second statement, whose snapshot is taken after that lock;
--   * the keyed statement takes the date from the RETURNING of its run upsert (the locked, newest version);
--   * `dag_runs_redate` (below) moves a run's entries when its date changes, in a statement that sees every entry
--     committed before the change (writers of that run wait for the changer's lock, and see the new date after it).
-- Rows inserted without a date (code older than this migration during a rolling upgrade, or a hand-written insert)
-- get it at COMMIT from `entries_date_missing`, a deferred trigger that costs nothing when the date is given.
--
-- ONLINE PART
--
-- Adding the column is instant (no default: no rewrite), but dating existing rows and building the index over them
-- must not hold the migration's lock for minutes. Everything after the `--! online` line runs after this transaction
-- commits, outside any transaction, one statement at a time, by one migrator at a time (migrate.ts); migrate()
-- returns only when it has finished, so code that reads `run_date` never runs before every row has one. The backfill
-- commits every batch of runs (each locks its runs' rows for one short transaction), and the index is built
-- CONCURRENTLY (writers keep writing). An interrupted online part runs again at the next migrate(); every statement
-- of it may run twice.

alter table :XCOM_SCHEMA.entries add column run_date timestamptz;

-- A run's date changed (its logical date was set): its entries follow. Runs as its own statement at the end of the
-- changing statement, with a fresh snapshot.
create function :XCOM_SCHEMA.redate_run_entries() returns trigger language plpgsql volatile as $$
begin
  update :XCOM_SCHEMA.entries e set run_date = coalesce(new.logical_date, new.created_at)
   where e.dag_id = new.dag_id and e.run_id = new.run_id
     and e.run_date is distinct from coalesce(new.logical_date, new.created_at);
  return null;
end
$$;
create trigger dag_runs_redate after update of logical_date, created_at on :XCOM_SCHEMA.dag_runs
  for each row
  when (coalesce(old.logical_date, old.created_at) is distinct from coalesce(new.logical_date, new.created_at))
  execute function :XCOM_SCHEMA.redate_run_entries();

-- A row written without its run's date gets it at COMMIT (the run's row exists by then: the foreign key holds).
create function :XCOM_SCHEMA.date_undated_entry() returns trigger language plpgsql volatile as $$
begin
  update :XCOM_SCHEMA.entries e set run_date = coalesce(r.logical_date, r.created_at)
    from :XCOM_SCHEMA.dag_runs r
   where e.dag_id = new.dag_id and e.run_id = new.run_id and e.task_id = new.task_id
     and e.map_index = new.map_index and e.key = new.key and e.run_date is null
     and r.dag_id = new.dag_id and r.run_id = new.run_id;
  return null;
end
$$;
create constraint trigger entries_date_missing after insert or update on :XCOM_SCHEMA.entries
  deferrable initially deferred
  for each row when (new.run_date is null)
  execute function :XCOM_SCHEMA.date_undated_entry();

-- The backfill: runs in primary-key order, `batch_runs` per transaction. Each batch first share-locks its runs' rows
-- (a date change waits for the batch, and the batch for a change in flight), then dates their entries in a statement
-- of its own (a snapshot taken after the locks). Writers of those runs wait at most one batch.
create procedure :XCOM_SCHEMA.backfill_run_dates(batch_runs integer) language plpgsql as $$
declare
  last_dag text := '';
  last_run text := '';
  batch record;
begin
  loop
    select array_agg(dag_id order by dag_id, run_id) as dags, array_agg(run_id order by dag_id, run_id) as runs
      into batch
      from (select r.dag_id, r.run_id from :XCOM_SCHEMA.dag_runs r
             where (r.dag_id, r.run_id) > (last_dag, last_run)
             order by r.dag_id, r.run_id limit batch_runs
               for share) as b;
    exit when batch.dags is null;
    update :XCOM_SCHEMA.entries e set run_date = coalesce(r.logical_date, r.created_at)
      from unnest(batch.dags, batch.runs) as b(dag_id, run_id)
      join :XCOM_SCHEMA.dag_runs r on r.dag_id = b.dag_id and r.run_id = b.run_id
     where e.dag_id = b.dag_id and e.run_id = b.run_id
       and e.run_date is distinct from coalesce(r.logical_date, r.created_at);
    last_dag := batch.dags[cardinality(batch.dags)];
    last_run := batch.runs[cardinality(batch.runs)];
    commit;
  end loop;
end
$$;

-- THE COMMIT OF AN ATTEMPT, now writing `run_date` (otherwise as in sql/000003_task_instance_ownership.sql, which
-- explains it). Generic plans are forced here and only here: the statements inside take arrays, and a custom plan
-- per call would cost more than running them; the rest of a session keeps Postgres's default.
create or replace function :XCOM_SCHEMA.commit_attempts(
  a_dag_ids text[], a_run_ids text[], a_task_ids text[], a_map_indexes integer[], a_attempts integer[],
  a_fences bigint[], a_temporal_run_ids text[], a_activity_types text[], a_logical_dates timestamptz[],
  e_attempts integer[], e_keys text[], e_size_bytes bigint[], e_stored_bytes bigint[], e_digests text[],
  e_encodings text[], e_inline_values bytea[], e_object_keys text[], e_keep_until timestamptz[],
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
  )
  select coalesce((select array_agg(e.winner order by e.ord) from e), '{}'),
         (select array_agg((select count(*) from dropped d where d.ord = a.ord)::integer order by a.ord) from a),
         (select n from woken), (select array_agg(a.ord = any(won_attempts) order by a.ord) from a)
    into written, superseded, notified, won;
end
$$;

--! online
call :XCOM_SCHEMA.backfill_run_dates(200);
-- A build interrupted earlier leaves an invalid index behind: start over rather than keep it.
drop index concurrently if exists :XCOM_SCHEMA.entries_latest;
create index concurrently entries_latest on :XCOM_SCHEMA.entries (dag_id, task_id, key, run_date desc, run_id desc, map_index);
drop index concurrently if exists :XCOM_SCHEMA.entries_by_task;
