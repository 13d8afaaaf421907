-- THE COMMIT OF ONE ATTEMPT: what `commit_attempts` (sql/000012_fenced_reads.sql, which explains each step) does for
-- a call with a single attempt that declares no exclusive keys and consumes nothing, with scalar parameters for the
-- attempt and one simple statement per step.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
--
-- Why a second function. Most commits are one task attempt writing its result (a worker commits alone unless others
-- finish at the same moment: group commit). `commit_attempts` serves any batch through arrays, and its large CTE
-- statements cost more to start than the work they do for one row: server time per call was 1.4-1.6x the
-- statement it replaced (the per-key upsert before task-instance ownership), so ownership missed its "at most 10%
-- more" bound. Here each step is a statement over scalars whose plan PL/pgSQL keeps for the session: measured at
-- 0.87-0.93x the per-key statement (BENCHMARKS.md, bench:store's ownership rows).
--
-- Same guarantees, same order of locks as `commit_attempts`: write-isolation buckets, then the run's row, then the
-- task instance's claim, then the entries; the claim and the key-set replacement are separate statements, so the
-- delete of superseded keys sees every key a previous owner committed while we waited for its claim's lock.
-- A batch of attempts, a declaration of exclusive keys, or a consume still goes through `commit_attempts`.

create function :XCOM_SCHEMA.commit_attempt(
  p_dag_id text, p_run_id text, p_task_id text, p_map_index integer, p_attempt integer, p_fence bigint,
  p_temporal_run_id text, p_activity_type text, p_logical_date timestamptz,
  e_keys text[], e_size_bytes bigint[], e_stored_bytes bigint[], e_digests text[], e_encodings text[],
  e_inline_values bytea[], e_object_keys text[], e_keep_until timestamptz[],
  r_dag_ids text[], r_run_ids text[], r_task_ids text[], r_map_indexes integer[], r_keys text[], r_digests text[],
  r_read_at timestamptz[],
  out won boolean, out written boolean[], out superseded integer, out notified integer, out refusal text
) language plpgsql volatile set enable_seqscan = off as $$
declare
  v_run_date timestamptz;
  v_dating boolean;
begin
  won := false;
  superseded := 0;
  notified := 0;
  written := array_fill(false, array[cardinality(e_keys)]);

  -- Write isolation for keys other than return_value: shared locks on their buckets (as commit_attempts takes them
  -- when nothing is declared), then, in a later statement, an owner another task declared for one of them.
  if cardinality(array_remove(e_keys, 'return_value')) > 0 then
    perform pg_advisory_xact_lock_shared(l.id)
       from (select distinct (hashtext('temporal-xcom:exclusive::XCOM_SCHEMA')::bigint << 8)
                      | (hashtextextended(p_dag_id || chr(31) || p_run_id || chr(31) || k.key, 0) & 255) as id
               from unnest(e_keys) as k(key)
              where k.key <> 'return_value'
              order by 1) as l;
    select jsonb_build_object('kind', 'writer', 'dagId', p_dag_id, 'runId', p_run_id, 'key', k.key,
                              'owner', o.exclusive_writer, 'writer', p_task_id, 'declared', false)::text
      into refusal
      from unnest(e_keys) with ordinality as k(key, ord)
      join :XCOM_SCHEMA.entries o
        on o.dag_id = p_dag_id and o.run_id = p_run_id and o.key = k.key
       and o.exclusive_writer is not null and o.task_id <> p_task_id and o.exclusive_writer <> p_task_id
     where k.key <> 'return_value'
     order by k.ord
     limit 1;
    -- Refused: nothing of the attempt is committed (no claim, no entry, no ledger or audit row).
    if refusal is not null then
      return;
    end if;
  end if;

  -- The run's row, locked; rewritten only when this attempt gives it its first logical date.
  select coalesce(r.logical_date, r.created_at), r.logical_date is null and p_logical_date is not null
    into v_run_date, v_dating
    from :XCOM_SCHEMA.dag_runs r
   where r.dag_id = p_dag_id and r.run_id = p_run_id
     for no key update;
  if not found or v_dating then
    insert into :XCOM_SCHEMA.dag_runs as r (dag_id, run_id, logical_date)
    values (p_dag_id, p_run_id, p_logical_date)
    on conflict (dag_id, run_id) do update set logical_date = coalesce(r.logical_date, excluded.logical_date)
    returning coalesce(r.logical_date, r.created_at) into v_run_date;
  end if;

  -- The claim: the newest attempt by (fence, attempt) owns the task instance.
  insert into :XCOM_SCHEMA.task_instances as ti
    (dag_id, run_id, task_id, map_index, fence, attempt, temporal_run_id, activity_type, key_count)
  values (p_dag_id, p_run_id, p_task_id, p_map_index, p_fence, p_attempt, p_temporal_run_id, p_activity_type,
          cardinality(e_keys))
  on conflict (dag_id, run_id, task_id, map_index) do update set
    fence = excluded.fence, attempt = excluded.attempt, temporal_run_id = excluded.temporal_run_id,
    activity_type = excluded.activity_type, key_count = excluded.key_count, committed_at = now()
  where (ti.fence, ti.attempt) <= (excluded.fence, excluded.attempt);
  won := found;

  if won then
    insert into :XCOM_SCHEMA.entries as t (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
      activity_type, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, keep_until, run_date,
      exclusive_writer, exclusive_readers)
    select p_dag_id, p_run_id, p_task_id, p_map_index, x.key, p_attempt, p_fence, p_temporal_run_id, p_activity_type,
           x.size_bytes, x.stored_bytes, x.digest, x.encoding, x.inline_value, x.object_key, x.keep_until, v_run_date,
           null, null
      from unnest(e_keys, e_size_bytes, e_stored_bytes, e_digests, e_encodings, e_inline_values, e_object_keys,
                  e_keep_until)
             as x(key, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, keep_until)
    on conflict (dag_id, run_id, task_id, map_index, key) do update set
      attempt = excluded.attempt, fence = excluded.fence, temporal_run_id = excluded.temporal_run_id,
      activity_type = excluded.activity_type, size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes,
      digest = excluded.digest, encoding = excluded.encoding, inline_value = excluded.inline_value,
      object_key = excluded.object_key, keep_until = excluded.keep_until, run_date = excluded.run_date,
      exclusive_writer = null, exclusive_readers = null, updated_at = now();
    written := array_fill(true, array[cardinality(e_keys)]);

    -- Cross-DAG waits: wake_subscribers' lock and probe, inline (as set_entry, sql/000010_set_function.sql): most
    -- commits find nobody waiting and stop here; otherwise wake_subscribers matches in statements of its own.
    if cardinality(e_keys) > 0 then
      perform pg_advisory_xact_lock_shared(l.id)
         from (select distinct :XCOM_SCHEMA.watch_lock_id(p_dag_id, p_task_id, k.key) as id
                 from unnest(e_keys) as k(key) order by 1) as l;
      perform from :XCOM_SCHEMA.subscriptions where status = 'active' limit 1;
      if found then
        select :XCOM_SCHEMA.wake_subscribers(array_agg(p_dag_id), array_agg(p_run_id), array_agg(p_task_id),
                 array_agg(p_map_index), array_agg(x.key), array_agg(x.digest), array_agg(x.size_bytes),
                 array_agg(v_run_date))
          into notified
          from unnest(e_keys, e_digests, e_size_bytes) as x(key, digest, size_bytes);
      end if;
    end if;
  end if;

  insert into :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest,
    size_bytes, object_key, outcome)
  select p_dag_id, p_run_id, p_task_id, p_map_index, x.key, p_attempt, p_fence, p_temporal_run_id, x.digest,
         x.size_bytes, x.object_key, case when won then 'written' else 'fenced' end
    from unnest(e_keys, e_digests, e_size_bytes, e_object_keys) with ordinality as x(key, digest, size_bytes, object_key, n)
   order by x.n;

  if won then
    -- A statement after the claim: it sees every key a previous owner committed. Keys this attempt did not write go
    -- (recorded after its own, as commit_attempts records them).
    with dropped as (
      delete from :XCOM_SCHEMA.entries d
       where d.dag_id = p_dag_id and d.run_id = p_run_id and d.task_id = p_task_id and d.map_index = p_map_index
         and d.key <> all(e_keys)
      returning d.key, d.attempt, d.fence, d.temporal_run_id, d.digest, d.size_bytes, d.object_key
    ),
    dropped_ledger as (
      insert into :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
        digest, size_bytes, object_key, outcome)
      select p_dag_id, p_run_id, p_task_id, p_map_index, key, attempt, fence, temporal_run_id, digest, size_bytes,
             object_key, 'superseded'
        from dropped
    )
    select count(*) into superseded from dropped;
  end if;

  -- The attempt's reads, in the order they were read; a zombie's say it lost.
  if cardinality(r_dag_ids) > 0 then
    insert into :XCOM_SCHEMA.audit (action, actor_kind, actor, reader_dag_id, reader_run_id, reader_task_id,
      reader_map_index, reader_attempt, reader_fence, reader_outcome, dag_id, run_id, task_id, map_index, key, digest,
      occurred_at)
    select 'read', 'task', null, p_dag_id, p_run_id, p_task_id, p_map_index, p_attempt, p_fence,
           case when won then 'committed' else 'fenced' end,
           x.dag_id, x.run_id, x.task_id, x.map_index, x.key, x.digest, coalesce(x.read_at, now())
      from unnest(r_dag_ids, r_run_ids, r_task_ids, r_map_indexes, r_keys, r_digests, r_read_at)
             with ordinality as x(dag_id, run_id, task_id, map_index, key, digest, read_at, n)
     order by x.n;
  end if;
end
$$;
