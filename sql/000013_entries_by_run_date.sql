-- Every DAG's entries, newest run first, in one index (issue 11: `xcom list` without a filter).
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs.
--
-- `xcom list` with no DAG orders entries by their run's date, DAG and run (newest first), then by task, map index and
-- key. Walking `dag_runs_by_age` and probing the entries primary key per run gives each run's entries in that order,
-- but Postgres does not carry an inner index's order through a join: every page sorted each run's entries again,
-- about half of the statement's time at 3M entries. `run_date` (sql/000005) is the run's date on the entry itself,
-- so one index holds the whole order and a page is one range scan, however many runs there are.
--
-- The cost is one more index entry per written row; the commit statements' other indexes are the primary key and
-- `entries_latest` (the rest are partial and rarely hold a row). Measured in BENCHMARKS.md (`bench:scale`, `bench:store`).
--! online
-- A build interrupted earlier leaves an invalid index behind: start over rather than keep it.
drop index concurrently if exists :XCOM_SCHEMA.entries_by_run_date;
create index concurrently entries_by_run_date on :XCOM_SCHEMA.entries
  (run_date desc, dag_id desc, run_id desc, task_id, map_index, key);
