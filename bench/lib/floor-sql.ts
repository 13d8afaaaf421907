/**
 * The raw floor: one table with the store's primary key shape and the value bytes, nothing else (no run row, no
 * ledger, no secondary index). Same statements on the Postgres server and PGlite.
 */
export const FLOOR_DDL = `
create schema if not exists bench_floor;
create table if not exists bench_floor.entries (
  dag_id    text    not null,
  run_id    text    not null,
  task_id   text    not null,
  map_index integer not null,
  key       text    not null,
  value     bytea   not null,
  primary key (dag_id, run_id, task_id, map_index, key)
);`;

export const FLOOR_UPSERT = `
insert into bench_floor.entries (dag_id, run_id, task_id, map_index, key, value) values ($1, $2, $3, $4, $5, $6)
on conflict (dag_id, run_id, task_id, map_index, key) do update set value = excluded.value`;

/** The batched floor: many rows in one statement, the way the store's commit batches. */
export const FLOOR_UPSERT_MANY = `
insert into bench_floor.entries (dag_id, run_id, task_id, map_index, key, value)
select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bytea[])
on conflict (dag_id, run_id, task_id, map_index, key) do update set value = excluded.value`;

export const FLOOR_SELECT = `
select value from bench_floor.entries
 where dag_id = $1 and run_id = $2 and task_id = $3 and map_index = $4 and key = $5`;
