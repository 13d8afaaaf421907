-- A wait's registration in one call (waitForXCom, XComClient.waitFor).
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
--
-- The waiter's side of the lock protocol (sql/000002_subscriptions.sql explains it) was a transaction of four
-- statements from the client: the watch lock, the read of entries (a later statement, so its snapshot is taken after
-- the lock), then the subscription or, when found, the end of a subscription an earlier try left; with BEGIN and
-- COMMIT, six round trips. Here the same statements run inside one VOLATILE function, each with a fresh snapshot, in
-- the call's own transaction: one round trip. The lock is still held to COMMIT, the read still follows it.
--
-- Returns the subscription's id, or the entry found (`entry`; `subscription_id` null).

create function :XCOM_SCHEMA.register_wait(
  w_wait_id text, w_kind text, w_dag_id text, w_task_id text, w_key text, w_map_index integer, w_run_id text,
  w_min_logical_date timestamptz, w_namespace text, w_workflow_id text, w_workflow_run_id text, w_expires_ms bigint,
  out subscription_id bigint, out entry :XCOM_SCHEMA.entries
) language plpgsql volatile as $$
begin
  perform pg_advisory_xact_lock(:XCOM_SCHEMA.watch_lock_id(w_dag_id, w_task_id, w_key));

  -- A later statement than the lock. One run: its entry. Any run: the newest past the date, one descent of
  -- entries_latest.
  if w_run_id is not null then
    select e.* into entry
      from :XCOM_SCHEMA.entries e
     where e.dag_id = w_dag_id and e.run_id = w_run_id and e.task_id = w_task_id and e.map_index = w_map_index
       and e.key = w_key and (w_min_logical_date is null or e.run_date >= w_min_logical_date);
  else
    select e.* into entry
      from :XCOM_SCHEMA.entries e
     where e.dag_id = w_dag_id and e.task_id = w_task_id and e.key = w_key and e.map_index = w_map_index
       and e.run_date >= coalesce(w_min_logical_date, '-infinity')
     order by e.run_date desc, e.run_id desc
     limit 1;
  end if;

  if entry.dag_id is not null then
    -- A retried registration may find what its first try subscribed for: that subscription is done too.
    update :XCOM_SCHEMA.subscriptions set status = 'satisfied', ended_at = now()
     where wait_id = w_wait_id and status = 'active';
    return;
  end if;

  insert into :XCOM_SCHEMA.subscriptions (wait_id, kind, dag_id, task_id, key, map_index, run_id, min_logical_date,
    namespace, workflow_id, workflow_run_id, expires_at)
  values (w_wait_id, w_kind, w_dag_id, w_task_id, w_key, w_map_index, w_run_id, w_min_logical_date, w_namespace,
    w_workflow_id, w_workflow_run_id, now() + w_expires_ms * interval '1 millisecond')
  on conflict (wait_id) do update set wait_id = excluded.wait_id
  returning id into subscription_id;
end
$$;
