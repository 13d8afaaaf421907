-- Security (DESIGN.md §8, SECURITY.md): the key refs are signed with when none is configured, and who owns a DAG run.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.

-- Generated once by the first worker that needs it, for a store with no XCOM_SIGNING_KEY (the embedded default).
-- Whoever can read this table can forge refs: set XCOM_SIGNING_KEY to keep the key out of the database.
create table :XCOM_SCHEMA.signing_keys (
  key_id     text        primary key,
  secret     bytea       not null check (octet_length(secret) >= 32),
  created_at timestamptz not null default now()
);

-- The workflow type whose tasks first wrote a DAG run. Tasks of another type cannot write into it, so a workflow
-- started with an existing run's workflow id cannot overwrite that run's entries.
create table :XCOM_SCHEMA.run_owners (
  dag_id        text        not null,
  run_id        text        not null,
  workflow_type text        not null,
  created_at    timestamptz not null default now(),
  primary key (dag_id, run_id)
);

-- A deleted run (retention, clear) forgets its owner: one statement per delete, whatever the number of runs.
create function :XCOM_SCHEMA.forget_run_owners() returns trigger language plpgsql as $$
begin
  delete from :XCOM_SCHEMA.run_owners o using gone g where o.dag_id = g.dag_id and o.run_id = g.run_id;
  return null;
end
$$;
create trigger dag_runs_forget_owners after delete on :XCOM_SCHEMA.dag_runs
  referencing old table as gone for each statement execute function :XCOM_SCHEMA.forget_run_owners();
