/**
 * `npx tsx bench/scale/profile.ts [--runs 100000] [--calls 300]`: where the time of each bench:scale read goes, on a
 * database a `bench:scale --keep` run left. Per operation: wall time per call (p50), the Node process's CPU per call
 * (driver parsing and our code), the statements it sends, and for each its planning and execution time in the server
 * and whether the prepared statement runs a generic or a custom plan (planned at every call).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseUrl } from '../../services/postgres';
import { DEFAULT_DATABASE_URL } from '../../services/start-services';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { DirectoryObjectStore } from '../../src/objects/directory-object-store';
import { SubscriptionStore } from '../../src/subscriptions/subscription-store';
import { XComStore } from '../../src/store/xcom-store';
import { explainAnalyze, recordingEngine, statementsOf } from './explain';
import { median, pairedRatio } from './paired';
import { scaleOperations, type ScaleOperation } from './operations';
import { scalePlan } from './fill';

const FLOOR_SQL = `select inline_value from xcom.entries
  where dag_id = $1 and run_id = $2 and task_id = $3 and map_index = $4 and key = $5`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, calls: { type: 'string', default: '300' }, only: { type: 'string' } } });
  const runs = Number(values.runs);
  const calls = Number(values.calls);
  const url = databaseUrl(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `bench_scale_${runs}`);
  const plan = scalePlan(runs);
  // One connection: the prepared statements the operations make are the ones pg_prepared_statements shows.
  const engine = recordingEngine(createPostgresEngine({ connectionString: url, max: 1 }));
  const store = new XComStore({ engine, objectStore: new DirectoryObjectStore({ directory: join('/tmp', 'bench-scale-objects') }) });
  const subscriptions = new SubscriptionStore(engine, 'xcom');
  const floor = new Client({ connectionString: url });
  await floor.connect();
  const runOf = (i: number) => `run_${String(((((i + 1_000_003) * 2_654_435_761) >>> 0) % runs)).padStart(7, '0')}`;
  const floorOp: ScaleOperation = {
    name: 'floor: prepared primary-key select',
    kind: 'read',
    target: 1,
    run: async (i) => void (await floor.query({ name: 'floor_pk_select', text: FLOOR_SQL, values: [plan.dagId, runOf(i), 'task_3', -1, 'return_value'] })),
  };
  const ops = [floorOp, ...scaleOperations({ store, subscriptions, plan, pass: 99, runOf }).filter((op) => op.kind === 'read')];
  const lines: string[] = ['| operation | paired ratio to the floor | wall p50 | node CPU / call | statements | server planning | server execution | plan kinds (generic/custom) |', '|---|---:|---:|---:|---:|---:|---:|---|'];
  try {
    for (const op of ops) {
      if (values.only && !op.name.includes(values.only)) continue;
      for (let i = -30; i < 0; i++) await op.run(i);
      const wall: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        await op.run(i);
        wall.push(performance.now() - t0);
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuPerCallMs = (cpu.user + cpu.system) / 1000 / calls;
      let statements = '1';
      let planning = '';
      let execution = '';
      let kinds = '';
      if (op !== floorOp) {
        const sent = await statementsOf(engine, () => op.run(7));
        statements = String(sent.length);
        const explained = await Promise.all(sent.map((s) => explainAnalyze(engine, s)));
        planning = explained.map((t) => /Planning Time: ([\d.]+)/.exec(t)?.[1] ?? '?').join(' + ');
        execution = explained.map((t) => /Execution Time: ([\d.]+)/.exec(t)?.[1] ?? '?').join(' + ');
        const prepared = await engine.query<{ name: string; generic_plans: number; custom_plans: number }>(
          `select name, generic_plans, custom_plans from pg_prepared_statements where statement = any($1::text[])`,
          [sent.map((s) => s.sql)],
        );
        kinds = prepared.map((p) => `${p.generic_plans}/${p.custom_plans}`).join(', ') || 'not prepared';
        if (process.env.PROFILE_PLANS) for (const t of explained) process.stderr.write(`--- ${op.name}\n${t}\n`);
      }
      const paired = op === floorOp ? undefined : await pairedRatio(op.run, floorOp.run, { warmup: 10, iterations: calls });
      lines.push(`| ${op.name} | ${paired ? paired.ratio.toFixed(2) : ''} | ${median(wall).toFixed(3)} ms | ${cpuPerCallMs.toFixed(3)} ms | ${statements} | ${planning} | ${execution} | ${kinds} |`);
      process.stderr.write(`${lines.at(-1)}\n`);
    }
  } finally {
    await floor.end();
    await store.close();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
