-- Retention: classes per entry, indexes for bounded purges, a bounded ledger (DESIGN.md §8, docs/retention.md).
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.

-- How long an entry outlives the retention of its run:
--   null       the run's retention ('run', the default): removed when its run is purged;
--   a time     its own class ('7 days'): removed once past it, whether or not its run is kept; kept until then;
--   infinity   'forever': kept by every purge (an explicit clear still removes it).
-- (The column itself comes with sql/000003, whose commit writes it.)
create index entries_expiring on :XCOM_SCHEMA.entries (keep_until)
  where keep_until is not null and keep_until <> 'infinity';
-- Runs whose entries outlive them are found through this (a purge keeps such a run's row).
create index entries_kept on :XCOM_SCHEMA.entries (dag_id, run_id) where keep_until is not null;

-- Runs newest first, with the run id to break ties: keyset pages of `listRuns`, and `keepLatestRuns`.
drop index :XCOM_SCHEMA.dag_runs_by_date;
create index dag_runs_by_date on :XCOM_SCHEMA.dag_runs (dag_id, (coalesce(logical_date, created_at)) desc, run_id desc);
-- Runs of every DAG by age: `purge` without a DAG filter.
create index dag_runs_by_age on :XCOM_SCHEMA.dag_runs ((coalesce(logical_date, created_at)), dag_id, run_id);

-- The ledger is append-only and trimmed by age: a BRIN index costs almost nothing to keep up.
create index ledger_by_time on :XCOM_SCHEMA.ledger using brin (recorded_at);
-- What a run's deletion also removes.
create index outbox_by_run on :XCOM_SCHEMA.outbox (dag_id, run_id);
create index subscriptions_by_run on :XCOM_SCHEMA.subscriptions (dag_id, run_id) where run_id is not null;
