-- DAG runs, XCom entries and the per-attempt ledger.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.

-- A DAG run is a workflow execution; its logical date orders `includePriorDates` pulls.
create table :XCOM_SCHEMA.dag_runs (
  dag_id       text        not null,
  run_id       text        not null,
  logical_date timestamptz,
  created_at   timestamptz not null default now(),
  primary key (dag_id, run_id)
);
-- Airflow orders prior runs by coalesce(logical_date, run_after); created_at stands in for run_after.
create index dag_runs_by_date on :XCOM_SCHEMA.dag_runs (dag_id, (coalesce(logical_date, created_at)) desc);

-- One row per visible XCom: the value inline (below the threshold) or a content-addressed object key.
create table :XCOM_SCHEMA.entries (
  dag_id          text        not null,
  run_id          text        not null,
  task_id         text        not null,
  map_index       integer     not null default -1 check (map_index >= -1),
  key             text        not null check (key <> ''),
  attempt         integer     not null check (attempt >= 0),
  -- Orders writes: a row is replaced only by a write with the same or a higher fence. Tasks use the attempt's
  -- scheduled time, which grows across retries and across re-runs after a workflow reset.
  fence           bigint      not null,
  temporal_run_id text,
  activity_type   text,
  size_bytes      bigint      not null,
  stored_bytes    bigint      not null,
  digest          text        not null,
  encoding        text        not null,
  inline_value    bytea,
  object_key      text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  primary key (dag_id, run_id, task_id, map_index, key),
  foreign key (dag_id, run_id) references :XCOM_SCHEMA.dag_runs (dag_id, run_id) on delete cascade,
  check ((inline_value is null) <> (object_key is null))
);
create index entries_by_task on :XCOM_SCHEMA.entries (dag_id, task_id, key);
create index entries_by_object on :XCOM_SCHEMA.entries (object_key) where object_key is not null;

-- Every write any attempt made, kept for debugging: which attempt wrote what, and whether it won.
create table :XCOM_SCHEMA.ledger (
  id              bigint      generated always as identity primary key,
  dag_id          text        not null,
  run_id          text        not null,
  task_id         text        not null,
  map_index       integer     not null,
  key             text        not null,
  attempt         integer     not null,
  fence           bigint      not null,
  temporal_run_id text,
  digest          text,
  size_bytes      bigint,
  object_key      text,
  -- written: became the visible value; fenced: lost to a newer attempt; deleted: removed by delete/clear;
  -- discarded: pushed by an attempt that failed, so never published.
  outcome         text        not null check (outcome in ('written', 'fenced', 'deleted', 'discarded')),
  recorded_at     timestamptz not null default now()
);
create index ledger_by_entry on :XCOM_SCHEMA.ledger (dag_id, run_id, task_id, map_index, key, id);
