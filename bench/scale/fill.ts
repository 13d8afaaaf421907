import type { SqlEngine } from '../../src/engines/sql-engine';

/** What a filled schema holds, recorded beside it so a later `--reuse` can check it. */
export interface ScalePlan {
  readonly dagId: string;
  readonly runs: number;
  readonly tasks: number;
  /** Keys per task: return_value and pushed ones, the plugin's shape of a task's key set. */
  readonly keys: readonly string[];
  /** A key written only by task_0 of the oldest run: `includePriorDates` that must look all the way back. */
  readonly rareKey: string;
  /** The newest run's logical date; runs are one minute apart before it. */
  readonly newest: Date;
}

/** The DAG every scale database is filled with: `runs` runs of 10 tasks × 3 keys, the newest on 2026-01-01. */
export function scalePlan(runs: number): ScalePlan {
  return {
    dagId: 'bench_scale',
    runs,
    tasks: 10,
    keys: ['return_value', 'row_count', 'output_path'],
    rareKey: 'first_run_only',
    newest: new Date('2026-01-01T00:00:00Z'),
  };
}

/**
 * Fills the schema with `runs` runs × `tasks` task instances × `keys` entries in the plugin's row shape: a run row,
 * a task-instance owner, an inline JSON value with its sha256 digest, the run's date on the entry, and a
 * `written` ledger row per entry. Bulk SQL (generate_series) in chunks of runs, with the secondary indexes dropped
 * during the fill and built once at the end (as the migration defines them), so 3M entries fill in minutes.
 */
export async function fillScale(
  engine: SqlEngine,
  schema: string,
  plan: ScalePlan,
  onProgress: (runsDone: number) => void,
): Promise<void> {
  const indexes = await engine.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes
      where schemaname = $1 and tablename in ('entries', 'ledger') and indexname not like '%_pkey'`,
    [schema.replaceAll('"', '')],
  );
  for (const index of indexes) await engine.exec(`drop index ${schema}.${index.indexname}`);
  const chunk = 10_000;
  for (let from = 0; from < plan.runs; from += chunk) {
    const to = Math.min(plan.runs, from + chunk) - 1;
    await fillChunk(engine, schema, plan, from, to);
    onProgress(to + 1);
  }
  await engine.query(
    `insert into ${schema}.entries (dag_id, run_id, task_id, map_index, key, attempt, fence, size_bytes,
       stored_bytes, digest, encoding, inline_value, run_date)
     select r.dag_id, r.run_id, 'task_0', -1, $2, 1, 1, 12, 12, encode(sha256(convert_to('{"rare":true}', 'utf8')), 'hex'), 'json',
            convert_to('{"rare":true}', 'utf8'), r.logical_date
       from ${schema}.dag_runs r where r.dag_id = $1 order by r.logical_date limit 1`,
    [plan.dagId, plan.rareKey],
  );
  for (const index of indexes) await engine.exec(index.indexdef);
  await engine.exec(`vacuum analyze ${schema}.dag_runs, ${schema}.entries, ${schema}.ledger, ${schema}.task_instances`);
}

/** Runs `from..to` (run 0 is the newest). One statement per table; the fill's session does not wait for fsync. */
async function fillChunk(engine: SqlEngine, schema: string, plan: ScalePlan, from: number, to: number): Promise<void> {
  const runs = `generate_series($2::int, $3::int) r`;
  const instances = `${runs} cross join generate_series(0, $4::int - 1) t`;
  const entries = `${instances} cross join unnest($5::text[]) with ordinality as k(key, n)`;
  const date = `$6::timestamptz - make_interval(mins => r)`;
  const runDate = `$4::timestamptz - make_interval(mins => r)`;
  const params = [plan.dagId, from, to, plan.tasks, plan.keys, plan.newest];
  await engine.transaction(async (tx) => {
    await tx.query(`set local synchronous_commit = off`);
    await tx.query(
      `insert into ${schema}.dag_runs (dag_id, run_id, logical_date, created_at)
       select $1, 'run_' || lpad(r::text, 7, '0'), ${runDate}, ${runDate} from ${runs}`,
      [plan.dagId, from, to, plan.newest],
    );
    await tx.query(
      `insert into ${schema}.task_instances (dag_id, run_id, task_id, map_index, fence, attempt, key_count,
         committed_at)
       select $1, 'run_' || lpad(r::text, 7, '0'), 'task_' || t, -1, 1, 1, cardinality($5::text[]), ${date}
         from ${instances}`,
      params,
    );
    await tx.query(
      `insert into ${schema}.entries (dag_id, run_id, task_id, map_index, key, attempt, fence, activity_type,
         size_bytes, stored_bytes, digest, encoding, inline_value, run_date, created_at, updated_at)
       select $1, 'run_' || lpad(r::text, 7, '0'), 'task_' || t, -1, k.key, 1, 1, 'task_' || t,
              length(v.json), length(v.json), encode(sha256(convert_to(v.json, 'utf8')), 'hex'), 'json',
              convert_to(v.json, 'utf8'),
              ${date}, ${date}, ${date}
         from ${entries}
         cross join lateral (select case k.n when 1 then '{"run":' || r || ',"task":' || t || ',"rows":18234}'
                                             when 2 then (r * 7 + t)::text
                                             else '"s3://bucket/out/' || r || '/' || t || '.parquet"' end as json) v`,
      params,
    );
    await tx.query(
      `insert into ${schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, digest, size_bytes,
         outcome, recorded_at)
       select $1, 'run_' || lpad(r::text, 7, '0'), 'task_' || t, -1, k.key, 1, 1, md5(r || '/' || t || k.key), 40,
              'written', ${date}
         from ${entries}`,
      params,
    );
  });
}
