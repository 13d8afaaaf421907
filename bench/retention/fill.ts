import type { SqlEngine } from '../../src/engines/sql-engine';

/**
 * Fills the schema with `runs` DAG runs of `tasks` entries each, in the plugin's row shape (small inline JSON
 * values, one ledger row and one task-instance owner per entry), dated one per minute back from `newest`. A fast
 * bulk fill in SQL (generate_series), in chunks so no single statement grows with the fill.
 */
export async function fillRuns(
  engine: SqlEngine,
  schema: string,
  plan: { dagId: string; runs: number; tasks: number; newest: Date; onChunk?: (done: number) => void },
): Promise<void> {
  const chunk = 5000;
  for (let from = 0; from < plan.runs; from += chunk) {
    const to = Math.min(plan.runs, from + chunk) - 1;
    const params = [plan.dagId, from, to, plan.tasks, plan.newest];
    await engine.query(
      `insert into ${schema}.dag_runs (dag_id, run_id, logical_date)
       select $1, 'run_' || r, $4::timestamptz - make_interval(mins => r) from generate_series($2::int, $3::int) r`,
      [plan.dagId, from, to, plan.newest],
    );
    const source = `from generate_series($2::int, $3::int) r cross join generate_series(0, $4::int - 1) t`;
    await engine.query(
      `insert into ${schema}.task_instances (dag_id, run_id, task_id, map_index, fence, attempt, key_count)
       select $1, 'run_' || r, 'task_' || t, -1, 1, 1, 1 ${source}`,
      params.slice(0, 4),
    );
    await engine.query(
      `insert into ${schema}.entries (dag_id, run_id, task_id, map_index, key, attempt, fence, size_bytes, stored_bytes,
         digest, encoding, inline_value)
       select $1, 'run_' || r, 'task_' || t, -1, 'return_value', 1, 1, 40, 40, md5(r || '/' || t) || md5(t || '/' || r),
              'json', convert_to('{"run":' || r || ',"task":' || t || ',"rows":18234}', 'utf8') ${source}`,
      params.slice(0, 4),
    );
    await engine.query(
      `insert into ${schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, digest, size_bytes, outcome)
       select $1, 'run_' || r, 'task_' || t, -1, 'return_value', 1, 1, md5(r || '/' || t), 40, 'written' ${source}`,
      params.slice(0, 4),
    );
    plan.onChunk?.(to + 1);
  }
  await engine.exec(`analyze ${schema}.dag_runs; analyze ${schema}.entries; analyze ${schema}.ledger; analyze ${schema}.task_instances;`);
}
