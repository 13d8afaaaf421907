-- Workers of the version before exclusive XComs commit through commit_attempts' older signature (sql/000007_audit.sql).
-- sql/000009_exclusive.sql answered a refused attempt there with won = false, which those workers take for a fenced
-- attempt: they completed the task as if a newer attempt had written its keys, while nothing of it was stored. The
-- older signature now fails the call instead, naming the refusal, so such a worker fails the attempt (it retries
-- other attempts of its batch one by one) and Temporal retries it until the worker is upgraded or the retries run out.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
create or replace function :XCOM_SCHEMA.commit_attempts(
  a_dag_ids text[], a_run_ids text[], a_task_ids text[], a_map_indexes integer[], a_attempts integer[],
  a_fences bigint[], a_temporal_run_ids text[], a_activity_types text[], a_logical_dates timestamptz[],
  e_attempts integer[], e_keys text[], e_size_bytes bigint[], e_stored_bytes bigint[], e_digests text[],
  e_encodings text[], e_inline_values bytea[], e_object_keys text[], e_keep_until timestamptz[],
  r_attempts integer[], r_dag_ids text[], r_run_ids text[], r_task_ids text[], r_map_indexes integer[],
  r_keys text[], r_digests text[], r_read_at timestamptz[],
  out won boolean[], out written boolean[], out superseded integer[], out notified integer
) language plpgsql volatile as $$
declare
  refusals text[];
  refusal text;
begin
  select c.won, c.written, c.superseded, c.notified, c.refusals into won, written, superseded, notified, refusals
    from :XCOM_SCHEMA.commit_attempts(a_dag_ids, a_run_ids, a_task_ids, a_map_indexes, a_attempts, a_fences,
           a_temporal_run_ids, a_activity_types, a_logical_dates, e_attempts, e_keys, e_size_bytes, e_stored_bytes,
           e_digests, e_encodings, e_inline_values, e_object_keys, e_keep_until, r_attempts, r_dag_ids, r_run_ids,
           r_task_ids, r_map_indexes, r_keys, r_digests, r_read_at,
           array_fill(null::text, array[coalesce(cardinality(e_keys), 0)]),
           array_fill(null::text, array[coalesce(cardinality(e_keys), 0)]),
           '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}') as c;
  select r into refusal from unnest(refusals) as r where r is not null limit 1;
  if refusal is not null then
    raise exception 'temporal-xcom: this commit was refused by write isolation (%); nothing of it was stored', refusal
      using errcode = 'P0001',
            hint = 'This worker is older than the XCom schema (migration 9, exclusive XComs); upgrade temporal-xcom on it. See docs/exclusive-xcoms.md.';
  end if;
end
$$;
