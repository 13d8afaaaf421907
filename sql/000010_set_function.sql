-- One keyed write (`store.set`, a one-entry `store.commit`) as a function: the same effects as the keyed commit
-- statement (src/store/keyed-commit-statement.ts) for a single entry, in this order: the run row, the entry (replaced
-- only by the same or a higher fence), the wake-up of cross-DAG subscribers when it was written, and the ledger row
-- ('written' or 'fenced'). Returns whether the entry was written.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
--
-- WHY A FUNCTION: the keyed statement is a five-part CTE whose planning costs about as much as running it. A Postgres
-- server keeps it prepared per connection (a named statement); PGlite's query API has no named statements, so there
-- it was parsed and planned on every call (EXPLAIN ANALYZE on PGlite: about 0.6 ms planning, 0.7 ms execution, of a
-- 3 ms set). PL/pgSQL caches the plans of the statements below per session on either engine, and as plain
-- single-row statements (no CTE materialisation, joins or sorts) they run in about 0.12-0.2 ms on PGlite.
-- BENCHMARKS.md "Where one inline write spends its time" (bench/store-breakdown.ts).
--
-- VOLATILE and plpgsql like wake_subscribers: each statement below takes a fresh snapshot, which the inline
-- subscription probe relies on exactly as wake_subscribers does. The run row is locked before the entry that
-- references it is written, all in the caller's transaction.
create function :XCOM_SCHEMA.set_entry(
  s_dag_id text, s_run_id text, s_task_id text, s_map_index integer, s_key text, s_attempt integer,
  s_temporal_run_id text, s_activity_type text, s_logical_date timestamptz, s_size_bytes bigint,
  s_stored_bytes bigint, s_digest text, s_encoding text, s_inline_value bytea, s_object_key text, s_fence bigint,
  s_keep_until timestamptz
) returns boolean language plpgsql volatile as $$
declare
  v_run_date timestamptz;
  v_dating boolean;
  written boolean;
begin
  -- The run row, locked as the keyed statement's upsert locks it (FOR NO KEY UPDATE, newest version) but updated
  -- only when this write gives it its first logical date: most writes find it and write no new row version. The
  -- first logical date given sticks; the entry carries its run's date (sql/000005_latest_by_date.sql).
  select coalesce(r.logical_date, r.created_at), r.logical_date is null and s_logical_date is not null
    into v_run_date, v_dating
    from :XCOM_SCHEMA.dag_runs r
   where r.dag_id = s_dag_id and r.run_id = s_run_id
     for no key update;
  if not found or v_dating then
    insert into :XCOM_SCHEMA.dag_runs as r (dag_id, run_id, logical_date)
    values (s_dag_id, s_run_id, s_logical_date)
    on conflict (dag_id, run_id) do update set logical_date = coalesce(r.logical_date, excluded.logical_date)
    returning coalesce(r.logical_date, r.created_at) into v_run_date;
  end if;

  insert into :XCOM_SCHEMA.entries as e (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
    activity_type, size_bytes, stored_bytes, digest, encoding, inline_value, object_key, keep_until, run_date)
  values (s_dag_id, s_run_id, s_task_id, s_map_index, s_key, s_attempt, s_fence, s_temporal_run_id, s_activity_type,
    s_size_bytes, s_stored_bytes, s_digest, s_encoding, s_inline_value, s_object_key, s_keep_until, v_run_date)
  on conflict (dag_id, run_id, task_id, map_index, key) do update set
    attempt = excluded.attempt, fence = excluded.fence, temporal_run_id = excluded.temporal_run_id,
    activity_type = excluded.activity_type, size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes,
    digest = excluded.digest, encoding = excluded.encoding, inline_value = excluded.inline_value,
    object_key = excluded.object_key, keep_until = excluded.keep_until, run_date = excluded.run_date,
    updated_at = now()
  where e.fence <= excluded.fence;
  -- FOUND: inserted, or updated because the fence allowed it.
  written := found;

  if written then
    -- wake_subscribers' lock and probe (sql/000002_subscriptions.sql) for this one key, inline: most writes stop here
    -- (nobody waits) without a nested call. When someone waits, wake_subscribers takes the same shared lock again
    -- (already held) and matches in statements of its own, each with a fresh snapshot.
    perform pg_advisory_xact_lock_shared(:XCOM_SCHEMA.watch_lock_id(s_dag_id, s_task_id, s_key));
    perform from :XCOM_SCHEMA.subscriptions where status = 'active' limit 1;
    if found then
      perform :XCOM_SCHEMA.wake_subscribers(array[s_dag_id], array[s_run_id], array[s_task_id], array[s_map_index],
        array[s_key], array[s_digest], array[s_size_bytes], array[v_run_date]);
    end if;
  end if;

  insert into :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest,
    size_bytes, object_key, outcome)
  values (s_dag_id, s_run_id, s_task_id, s_map_index, s_key, s_attempt, s_fence, s_temporal_run_id, s_digest,
    s_size_bytes, s_object_key, case when written then 'written' else 'fenced' end);
  return written;
end
$$;
