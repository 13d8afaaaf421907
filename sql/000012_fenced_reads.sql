-- Audit rows of a zombie attempt's reads say it lost (reader_outcome 'fenced'; they said 'committed'), and the
-- attempts' reads are inserted by a statement of their own, run only when there are any.
-- THE COMMIT OF AN ATTEMPT, otherwise as in sql/000009_exclusive.sql (which explains it), with the same signature.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
alter table :XCOM_SCHEMA.audit drop constraint audit_reader_outcome_check;
alter table :XCOM_SCHEMA.audit add constraint audit_reader_outcome_check
  check (reader_outcome in ('committed', 'failed', 'fenced'));

create or replace function :XCOM_SCHEMA.commit_attempts(
  a_dag_ids text[], a_run_ids text[], a_task_ids text[], a_map_indexes integer[], a_attempts integer[],
  a_fences bigint[], a_temporal_run_ids text[], a_activity_types text[], a_logical_dates timestamptz[],
  e_attempts integer[], e_keys text[], e_size_bytes bigint[], e_stored_bytes bigint[], e_digests text[],
  e_encodings text[], e_inline_values bytea[], e_object_keys text[], e_keep_until timestamptz[],
  r_attempts integer[], r_dag_ids text[], r_run_ids text[], r_task_ids text[], r_map_indexes integer[],
  r_keys text[], r_digests text[], r_read_at timestamptz[],
  e_exclusive_writers text[], e_exclusive_readers text[],
  c_attempts integer[], c_dag_ids text[], c_run_ids text[], c_task_ids text[], c_map_indexes integer[],
  c_keys text[], c_digests text[], c_fences bigint[],
  out won boolean[], out written boolean[], out superseded integer[], out notified integer, out refusals text[]
) language plpgsql volatile set enable_seqscan = off set plan_cache_mode = force_generic_plan as $$
declare
  won_attempts integer[];
  refused jsonb;
  -- Identities of entries consumed by attempts accepted so far (each consumed once per call).
  taken text[] := '{}';
  g integer;
  consume_refusal jsonb;
  lock_id bigint;
  lock_exclusive boolean;
begin
  refused := '{}';
  -- Most commits write only return_value and consume nothing: they skip both checks below. Keys other than
  -- return_value can be exclusive to a writer (return_value never is: every task has one).
  if cardinality(array_remove(e_keys, 'return_value')) > 0 then
    -- Writers of one (dag, run, key) and a task declaring itself its owner must not both miss each other's
    -- uncommitted row. A declaring writer takes an exclusive lock on the key's bucket, every other writer a shared one
    -- (writers without declarations never wait for each other), in one order; the check below is a later statement,
    -- so it sees what the holder of a conflicting lock committed. Keys fold into 256 buckets per schema, so one
    -- commit takes at most 256 locks; two keys in one bucket only make a declaring writer wait a little longer.
    if cardinality(array_remove(e_exclusive_writers, null)) = 0 then
      -- No declaration in this call (the usual case): shared locks only, taken in one statement.
      perform pg_advisory_xact_lock_shared(l.id)
         from (select distinct (hashtext('temporal-xcom:exclusive::XCOM_SCHEMA')::bigint << 8)
                        | (hashtextextended(a_dag_ids[k.grp] || chr(31) || a_run_ids[k.grp] || chr(31) || k.key, 0) & 255)
                        as id
                 from unnest(e_attempts, e_keys) as k(grp, key)
                where k.key <> 'return_value'
                order by 1) as l;
    else
      for lock_id, lock_exclusive in
        select (hashtext('temporal-xcom:exclusive::XCOM_SCHEMA')::bigint << 8)
                 | (hashtextextended(a_dag_ids[k.grp] || chr(31) || a_run_ids[k.grp] || chr(31) || k.key, 0) & 255),
               bool_or(k.writer is not null)
          from unnest(e_attempts, e_keys, e_exclusive_writers) as k(grp, key, writer)
         where k.key <> 'return_value'
         group by 1 order by 1
      loop
        if lock_exclusive then
          perform pg_advisory_xact_lock(lock_id);
        else
          perform pg_advisory_xact_lock_shared(lock_id);
        end if;
      end loop;
    end if;

    -- Write isolation: the declared owner of each key written (stored with an entry of another task, found through
    -- the partial index entries_exclusive_writer), or, for a key this attempt declares its own, another task's entry
    -- under it (only declaring writers read the run's other entries of the key).
    select coalesce(jsonb_object_agg(grp, why), '{}') into refused
      from (
        select distinct on (grp) grp, why
          from (
            select k.grp, jsonb_build_object('kind', 'writer', 'dagId', a_dag_ids[k.grp], 'runId', a_run_ids[k.grp],
                                             'key', k.key, 'owner', o.exclusive_writer, 'writer', a_task_ids[k.grp],
                                             'declared', k.writer is not null) as why
              from unnest(e_attempts, e_keys, e_exclusive_writers) as k(grp, key, writer)
              join :XCOM_SCHEMA.entries o
                on o.dag_id = a_dag_ids[k.grp] and o.run_id = a_run_ids[k.grp] and o.key = k.key
               and o.exclusive_writer is not null and o.task_id <> a_task_ids[k.grp]
               and o.exclusive_writer <> a_task_ids[k.grp]
             where k.key <> 'return_value'
            union all
            select k.grp, jsonb_build_object('kind', 'writer', 'dagId', a_dag_ids[k.grp], 'runId', a_run_ids[k.grp],
                                             'key', k.key, 'owner', coalesce(o.exclusive_writer, o.task_id),
                                             'writer', a_task_ids[k.grp], 'declared', true) as why
              from unnest(e_attempts, e_keys, e_exclusive_writers) as k(grp, key, writer)
              join :XCOM_SCHEMA.entries o
                on o.dag_id = a_dag_ids[k.grp] and o.run_id = a_run_ids[k.grp] and o.key = k.key
               and o.task_id <> a_task_ids[k.grp]
             where k.writer is not null and k.key <> 'return_value'
          ) as found
         order by grp
      ) as writer_refusals;
  end if;

  if cardinality(c_attempts) > 0 then
    -- The versions consumed, locked in one order: a concurrent consumer of the same entry waits for our commit and
    -- then finds it gone (READ COMMITTED re-checks a locked row that changed; a deleted one is skipped).
    perform 1
       from :XCOM_SCHEMA.entries d
       join unnest(c_dag_ids, c_run_ids, c_task_ids, c_map_indexes, c_keys) as c(dag_id, run_id, task_id, map_index, key)
         on d.dag_id = c.dag_id and d.run_id = c.run_id and d.task_id = c.task_id and d.map_index = c.map_index
        and d.key = c.key
      order by d.dag_id, d.run_id, d.task_id, d.map_index, d.key
        for update of d;

    -- Consumes, attempt by attempt (a new statement each: they see what every commit we waited for left). An attempt
    -- is refused when a version it consumes is gone or changed, or an attempt accepted before it in this call takes it.
    for g in select distinct c.grp from unnest(c_attempts) as c(grp) where not refused ? c.grp::text order by 1 loop
      select jsonb_build_object('kind', 'consume', 'dagId', c.dag_id, 'runId', c.run_id, 'taskId', c.task_id,
                                'mapIndex', c.map_index, 'key', c.key)
        into consume_refusal
        from unnest(c_attempts, c_dag_ids, c_run_ids, c_task_ids, c_map_indexes, c_keys, c_digests, c_fences)
               as c(grp, dag_id, run_id, task_id, map_index, key, digest, fence)
       where c.grp = g
         and (concat_ws(chr(31), c.dag_id, c.run_id, c.task_id, c.map_index::text, c.key) = any(taken)
              or not exists (
                   select 1 from :XCOM_SCHEMA.entries d
                    where d.dag_id = c.dag_id and d.run_id = c.run_id and d.task_id = c.task_id
                      and d.map_index = c.map_index and d.key = c.key and d.digest = c.digest and d.fence = c.fence))
       limit 1;
      if consume_refusal is not null then
        refused := refused || jsonb_build_object(g::text, consume_refusal);
      else
        taken := taken || array(select concat_ws(chr(31), c.dag_id, c.run_id, c.task_id, c.map_index::text, c.key)
                                  from unnest(c_attempts, c_dag_ids, c_run_ids, c_task_ids, c_map_indexes, c_keys)
                                         as c(grp, dag_id, run_id, task_id, map_index, key)
                                 where c.grp = g);
      end if;
    end loop;
  end if;

  with a as (
    select * from unnest(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences, a_temporal_run_ids,
                         a_activity_types, a_logical_dates)
      with ordinality as t(dag_id, run_id, task_id, map_index, attempt, fence, temporal_run_id, activity_type,
                           logical_date, ord)
     where not refused ? t.ord::text
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

  -- The consumes of attempts that won their claim: the rows are ours (locked above) and are the versions read. A
  -- statement of its own, run only when something is consumed.
  if cardinality(c_attempts) > 0 then
    with a as (
      select * from unnest(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences)
        with ordinality as t(dag_id, run_id, task_id, map_index, attempt, fence, ord)
    ),
    consumed as (
      delete from :XCOM_SCHEMA.entries d
       using unnest(c_attempts, c_dag_ids, c_run_ids, c_task_ids, c_map_indexes, c_keys, c_digests, c_fences)
               as c(grp, dag_id, run_id, task_id, map_index, key, digest, fence)
       where c.grp = any(won_attempts)
         and d.dag_id = c.dag_id and d.run_id = c.run_id and d.task_id = c.task_id and d.map_index = c.map_index
         and d.key = c.key and d.digest = c.digest and d.fence = c.fence
      returning c.grp, d.dag_id, d.run_id, d.task_id, d.map_index, d.key, d.attempt, d.fence, d.temporal_run_id,
                d.digest, d.size_bytes, d.object_key
    ),
    consumed_ledger as (
      insert into :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
        digest, size_bytes, object_key, outcome)
      select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes, object_key,
             'consumed'
        from consumed
    ),
    consumed_audit as (
      insert into :XCOM_SCHEMA.audit (action, actor_kind, actor, reader_dag_id, reader_run_id, reader_task_id,
        reader_map_index, reader_attempt, reader_fence, reader_outcome, dag_id, run_id, task_id, map_index, key, digest,
        entries)
      select 'consume', 'task', null, a.dag_id, a.run_id, a.task_id, a.map_index, a.attempt, a.fence, 'committed',
             x.dag_id, x.run_id, x.task_id, x.map_index, x.key, x.digest, 1
        from consumed x join a on a.ord = x.grp
    )
    select count(*) into g from consumed;
  end if;

  -- A new statement: it sees every key the previous owner committed, and each run's date as of our lock on its row.
  with a as (
    select t.*, coalesce(r.logical_date, r.created_at) as run_date
      from unnest(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences, a_temporal_run_ids,
                  a_activity_types, a_logical_dates)
             with ordinality as t(dag_id, run_id, task_id, map_index, attempt, fence, temporal_run_id, activity_type,
                                  logical_date, ord)
      join :XCOM_SCHEMA.dag_runs r on r.dag_id = t.dag_id and r.run_id = t.run_id
     where not refused ? t.ord::text
  ),
  e as (
    select x.ord, a.dag_id, a.run_id, a.task_id, a.map_index, x.key, a.attempt, a.fence, a.temporal_run_id,
           x.size_bytes, x.stored_bytes, x.digest, x.encoding, x.inline_value, x.object_key, x.keep_until,
           x.exclusive_writer,
           case when x.readers is not null then array(select jsonb_array_elements_text(x.readers::jsonb)) end
             as exclusive_readers,
           a.logical_date, a.run_date, a.activity_type, a.ord = any(won_attempts) as winner
      from unnest(e_attempts, e_keys, e_size_bytes, e_stored_bytes, e_digests, e_encodings, e_inline_values,
                  e_object_keys, e_keep_until, e_exclusive_writers, e_exclusive_readers)
             with ordinality as x(grp, key, size_bytes, stored_bytes, digest, encoding, inline_value, object_key,
                                  keep_until, exclusive_writer, readers, ord)
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
      activity_type, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, keep_until, run_date,
      exclusive_writer, exclusive_readers)
    select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, activity_type, size_bytes,
           stored_bytes, digest, encoding, inline_value, object_key, keep_until, run_date, exclusive_writer,
           exclusive_readers
      from e where winner
    on conflict (dag_id, run_id, task_id, map_index, key) do update set
      attempt = excluded.attempt, fence = excluded.fence, temporal_run_id = excluded.temporal_run_id,
      activity_type = excluded.activity_type, size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes,
      digest = excluded.digest, encoding = excluded.encoding, inline_value = excluded.inline_value,
      object_key = excluded.object_key, keep_until = excluded.keep_until, run_date = excluded.run_date,
      exclusive_writer = excluded.exclusive_writer, exclusive_readers = excluded.exclusive_readers,
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
  -- Per entry and per attempt, in input order: a refused attempt's entries are not written, its claim did not win.
  select coalesce((select array_agg(coalesce(e.winner, false) order by x.ord)
                     from unnest(e_attempts) with ordinality as x(grp, ord) left join e on e.ord = x.ord), '{}'),
         (select array_agg((select count(*) from dropped d where d.ord = t.ord)::integer order by t.ord)
            from unnest(a_attempts) with ordinality as t(n, ord)),
         (select n from woken),
         (select array_agg(t.ord = any(won_attempts) order by t.ord) from unnest(a_attempts) with ordinality as t(n, ord)),
         (select array_agg(refused ->> t.ord::text order by t.ord) from unnest(a_attempts) with ordinality as t(n, ord))
    into written, superseded, notified, won, refusals;
  -- The attempts' reads, a statement of its own run only when there are any (most commits have none; an empty insert in
  -- the statement above cost every commit 1-4 % of its server time), in the order they were read. A zombie's reads say
  -- it lost: 'fenced'.
  if cardinality(r_attempts) > 0 then
    with a as (
      select * from unnest(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences)
        with ordinality as t(dag_id, run_id, task_id, map_index, attempt, fence, ord)
       where not refused ? t.ord::text
    )
    insert into :XCOM_SCHEMA.audit (action, actor_kind, actor, reader_dag_id, reader_run_id, reader_task_id,
      reader_map_index, reader_attempt, reader_fence, reader_outcome, dag_id, run_id, task_id, map_index, key, digest,
      occurred_at)
    select 'read', 'task', null, a.dag_id, a.run_id, a.task_id, a.map_index, a.attempt, a.fence,
           case when a.ord = any(won_attempts) then 'committed' else 'fenced' end,
           x.dag_id, x.run_id, x.task_id, x.map_index, x.key, x.digest, coalesce(x.read_at, now())
      from unnest(r_attempts, r_dag_ids, r_run_ids, r_task_ids, r_map_indexes, r_keys, r_digests, r_read_at)
             with ordinality as x(grp, dag_id, run_id, task_id, map_index, key, digest, read_at, n)
      join a on a.ord = x.grp
     order by x.n;
  end if;
end
$$;
