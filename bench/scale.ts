/**
 * `npm run bench:scale [-- --runs 100000 --small-runs 10000 --passes 3 --reuse --keep]`: the store's reads and
 * writes at scale (issue 13). Fills a database with `--runs` runs × 10 tasks × 3 keys (3M entries by default) and one
 * with `--small-runs`, then times every operation against a bare primary-key select of the same table in the same
 * pass (interleaved blocks, warm-ups excluded), `--passes` times. Prints markdown: each ratio's median and spread,
 * the growth from the small database to the large one, and EXPLAIN (ANALYZE, BUFFERS) of the cross-run lookups.
 *
 * Databases are named `bench_scale_<runs>` and dropped at the end, unless `--keep`; `--reuse` uses ones a `--keep` run
 * left (after checking what they hold), so the fill is paid once. `--drop` drops them and exits.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { createDatabase, databaseUrl, dropDatabase } from '../services/postgres';
import { DEFAULT_DATABASE_URL } from '../services/start-services';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import { migrate } from '../src/migrations/migrate';
import { migrations } from '../src/migrations/generated';
import { DirectoryObjectStore } from '../src/objects/directory-object-store';
import { entryPage, listingPage } from '../src/cli/queries/entry-page';
import { listRunDates } from '../src/store/retention/list-runs';
import { SubscriptionStore } from '../src/subscriptions/subscription-store';
import { XComStore } from '../src/store/xcom-store';
import { describeMachine } from './lib/machine';
import { FLOOR_DDL, FLOOR_UPSERT } from './lib/floor-sql';
import { formatMs, formatRatio, markdownTable } from './lib/table';
import { explainAnalyze, recordingEngine, statementsOf } from './scale/explain';
import { fillScale, scalePlan, type ScalePlan } from './scale/fill';
import { median, pairedRatio } from './scale/paired';
import { neverWrittenTarget, nextRunCaller, scaleOperations, type ScaleOperation } from './scale/operations';
import { pullXCom } from '../src/pull/pull-xcom';

const SCHEMA = 'xcom';
const FLOOR_SQL = `select inline_value from xcom.entries
  where dag_id = $1 and run_id = $2 and task_id = $3 and map_index = $4 and key = $5`;
/** Context floors: the same number of rows by primary key (every column), and a bare one-row upsert. */
const ROWS_FLOOR_SQL = `select * from xcom.entries where dag_id = $1 and run_id >= $2
  order by dag_id, run_id, task_id, map_index, key limit $3`;

interface Options {
  readonly sizes: readonly number[];
  readonly passes: number;
  readonly reuse: boolean;
  readonly keep: boolean;
  readonly adminUrl: string;
}

/** Per operation, the ratio (ours p50 ÷ floor p50) of each pass, and the p50s of the last. */
type Results = Map<string, { op: ScaleOperation; ratios: number[]; oursMs: number[]; floorMs: number[]; likeRatios: number[] }>;

const step = (what: string) => process.stderr.write(`[bench:scale] ${what}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '100000' },
      'small-runs': { type: 'string', default: '10000' },
      passes: { type: 'string', default: '3' },
      reuse: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      drop: { type: 'boolean', default: false },
    },
  });
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const sizes = [Number(values['small-runs']), Number(values.runs)];
  if (values.drop) {
    for (const runs of sizes) await dropDatabase(adminUrl, databaseName(runs));
    return;
  }
  const options: Options = { sizes, passes: Number(values.passes), reuse: values.reuse, keep: values.keep, adminUrl };
  const machine = (await describeMachine(adminUrl)).filter((line) => !line.startsWith('MinIO'));
  const started = Date.now();
  const results = new Map<number, Results>();
  const explains = new Map<number, Explained[]>();
  for (const runs of sizes) {
    const name = databaseName(runs);
    const plan = scalePlan(runs);
    const url = databaseUrl(adminUrl, name);
    await prepareDatabase(options, name, url, plan);
    try {
      const measured = await measureDatabase(url, plan, options.passes);
      results.set(runs, measured.results);
      explains.set(runs, measured.explains);
    } finally {
      if (!options.keep) await dropDatabase(adminUrl, name);
    }
  }
  machine.push(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  process.stdout.write(report(options, machine, results, explains, (Date.now() - started) / 1000));
}

function databaseName(runs: number): string {
  return `bench_scale_${runs}`;
}

/** A filled database for `plan`: the one a `--keep` run left when `--reuse` and it matches, else a new fill. */
async function prepareDatabase(options: Options, name: string, url: string, plan: ScalePlan): Promise<void> {
  if (options.reuse && (await filledWith(url)) === fingerprint(plan)) {
    step(`${name}: reusing the filled database`);
    const engine = createPostgresEngine({ connectionString: url, max: 1 });
    await engine.exec(`drop schema if exists bench_floor cascade; ${FLOOR_DDL}`).finally(() => engine.close());
    return;
  }
  await dropDatabase(options.adminUrl, name);
  await createDatabase(options.adminUrl, name);
  const engine = createPostgresEngine({ connectionString: url, max: 2 });
  try {
    await migrate(engine, { schema: SCHEMA });
    await engine.exec(FLOOR_DDL);
    step(`${name}: filling ${plan.runs} runs × ${plan.tasks} tasks × ${plan.keys.length} keys`);
    const t0 = performance.now();
    await fillScale(engine, `"${SCHEMA}"`, plan, (done) => done % 20_000 === 0 && step(`  ${done} runs`));
    step(`${name}: filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await engine.exec(`create table public.bench_scale_fill (fingerprint text not null)`);
    await engine.query(`insert into public.bench_scale_fill values ($1)`, [fingerprint(plan)]);
  } finally {
    await engine.close();
  }
}

/** What a database was filled with (and by which schema version), or undefined when it is missing or unfinished. */
async function filledWith(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ fingerprint: string }>(`select fingerprint from public.bench_scale_fill`);
    return rows[0]?.fingerprint;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function fingerprint(plan: ScalePlan): string {
  return JSON.stringify({ ...plan, schemaVersion: migrations.length });
}

async function measureDatabase(url: string, plan: ScalePlan, passes: number): Promise<{ results: Results; explains: Explained[] }> {
  const engine = recordingEngine(createPostgresEngine({ connectionString: url }));
  const store = new XComStore({ engine, objectStore: new DirectoryObjectStore({ directory: join('/tmp', 'bench-scale-objects') }) });
  const subscriptions = new SubscriptionStore(engine, SCHEMA);
  const floor = new Client({ connectionString: url });
  await floor.connect();
  const results: Results = new Map();
  try {
    const runOf = (i: number) => `run_${String(spread(i, plan.runs)).padStart(7, '0')}`;
    // The floor reads the same rows the reads do: a random run's entry, prepared like the store's reads.
    const floorSelect = async (i: number) => {
      await floor.query({ name: 'floor_pk_select', text: FLOOR_SQL, values: [plan.dagId, runOf(i), 'task_3', -1, 'return_value'] });
    };
    const rowsFloor = (rows: number) => async (i: number) => {
      await floor.query({ name: 'floor_rows', text: ROWS_FLOOR_SQL, values: [plan.dagId, runOf(i), rows] });
    };
    const value = Buffer.from('{"run":1,"task":2,"rows":18234}');
    for (let pass = 1; pass <= passes; pass++) {
      step(`${plan.runs} runs: pass ${pass} of ${passes}`);
      const upsertFloor = async (i: number) => {
        const row = [plan.dagId, `floor_p${pass}_${i}`, 'task_0', -1, 'return_value', value];
        await floor.query({ name: 'floor_upsert', text: FLOOR_UPSERT, values: row });
      };
      for (const op of scaleOperations({ store, subscriptions, plan, pass, runOf })) {
        const reads = op.kind === 'read';
        const settings = { warmup: reads ? 30 : 10, iterations: reads ? 240 : 60 };
        const paired = await pairedRatio(op.run, floorSelect, settings);
        const entry = results.get(op.name) ?? { op, ratios: [], oursMs: [], floorMs: [], likeRatios: [] };
        entry.ratios.push(paired.ratio);
        entry.oursMs.push(paired.oursP50Ms);
        entry.floorMs.push(paired.floorP50Ms);
        if (op.like) {
          // Its own paired comparison; the writes use other keys than the first comparison's.
          const other = (i: number) => op.run(i + 1_000_000);
          const alike = op.like === 'upsert' ? upsertFloor : rowsFloor(op.like.rows);
          entry.likeRatios.push((await pairedRatio(reads ? op.run : other, alike, settings)).ratio);
        }
        results.set(op.name, entry);
      }
      // The registrations waited on a key nobody writes: end them before the next pass's commits.
      await engine.query(`update xcom.subscriptions set status = 'cancelled', ended_at = now() where status = 'active'`);
    }
    return { results, explains: await explainLookups(engine, store, subscriptions, plan) };
  } finally {
    await floor.end();
    await store.close();
  }
}

/** One statement's EXPLAIN (ANALYZE, BUFFERS): the plan text, and the buffers and time of its top node. */
interface Explained {
  readonly name: string;
  readonly plan: string;
  readonly buffers: number;
  readonly executionMs: number;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statement each cross-run lookup sends first (the one that looks across runs), and
 * of the listings' first pages: buffers touched are what grows with the table when a plan is not index-served.
 */
async function explainLookups(
  engine: ReturnType<typeof recordingEngine>,
  store: XComStore,
  subscriptions: SubscriptionStore,
  plan: ScalePlan,
): Promise<Explained[]> {
  const next = nextRunCaller(plan);
  const schema = `"${SCHEMA}"`;
  const lookups: [string, () => Promise<unknown>][] = [
    ['includePriorDates, the newest run has it', () => pullXCom(store, next, { taskIds: 'task_0', includePriorDates: true })],
    ['includePriorDates, only the oldest run has it', () => pullXCom(store, next, { taskIds: 'task_0', key: plan.rareKey, includePriorDates: true })],
    ['wait registration lookup (any run, never written)', () => subscriptions.find(neverWrittenTarget(plan))],
    ['count (a task instance of a run)', () => store.count({ dagIds: plan.dagId, runId: 'run_0050000', taskIds: 'task_1' })],
    ['xcom list, first page (50), no filter', () => listingPage(engine, schema, { limit: 50 })],
    ['xcom list, first page, --dag --task --key', () => listingPage(engine, schema, { dagId: plan.dagId, taskId: 'task_4', key: 'return_value', limit: 50 })],
    ['xcom list -o json, first page (50), no filter', () => entryPage(engine, schema, { limit: 50 })],
    ['xcom runs, first page (50), no filter', () => listRunDates(engine, schema, { limit: 50 })],
    ['xcom runs --sizes, first page (50), no filter', () => store.listRuns({ limit: 50 })],
  ];
  const out: Explained[] = [];
  for (const [name, action] of lookups) {
    const [first] = await statementsOf(engine, action);
    const text = await explainAnalyze(engine, first!);
    const top = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(text);
    const execution = /Execution Time: ([\d.]+) ms/.exec(text);
    out.push({
      name,
      plan: text,
      buffers: Number(top?.[1] ?? 0) + Number(top?.[2] ?? 0),
      executionMs: Number(execution?.[1] ?? NaN),
    });
  }
  return out;
}

/** Spreads call numbers over [0, n) (a multiplicative hash), so reads touch runs all over the table. */
function spread(i: number, n: number): number {
  return (((i + 1_000_003) * 2_654_435_761) >>> 0) % n;
}

function report(options: Options, machine: string[], results: Map<number, Results>, explains: Map<number, Explained[]>, seconds: number): string {
  const [small, large] = options.sizes as [number, number];
  const big = results.get(large)!;
  const little = results.get(small)!;
  const range = (xs: readonly number[]) => `${formatRatio(Math.min(...xs))}–${formatRatio(Math.max(...xs))}`;
  const rows = [...big.values()].map(({ op, ratios, oursMs, floorMs, likeRatios }) => {
    const growth = median(ratios) / median(little.get(op.name)!.ratios);
    const ok = median(ratios) <= op.target && growth <= 1.5;
    return [
      op.name,
      op.kind,
      formatMs(median(oursMs)),
      formatMs(median(floorMs)),
      formatRatio(median(ratios)),
      range(ratios),
      `≤ ${op.target}×`,
      formatRatio(median(little.get(op.name)!.ratios)),
      formatRatio(growth),
      ok ? 'yes' : 'NO',
      likeRatios.length ? `${formatRatio(median(likeRatios))} (${op.like === 'upsert' ? 'bare upsert' : `${op.like!.rows} rows by key`})` : '',
    ];
  });
  return [
    `# bench:scale (${large.toLocaleString('en-US')} runs × 10 tasks × 3 keys, and ${small.toLocaleString('en-US')} runs)`,
    '',
    `- ${sourceRevision()}`,
    ...machine.map((l) => `- ${l}`),
    `- ${options.passes} passes per database; each pass times every operation in pairs with the floor, one call each, alternating which goes first (240 pairs for reads, 60 for writes), warm-ups excluded; a ratio is the median of the pairs' ratios, the spread is over the passes; ${seconds.toFixed(0)} s in all`,
    `- floor: \`${FLOOR_SQL.replace(/\s+/g, ' ')}\` on a bare pg Client, a named (prepared) statement like the store's reads, same table, same random runs`,
    '',
    markdownTable(
      ['operation', 'kind', `p50 at ${large / 1000}k runs`, 'floor p50', 'ratio (median)', `spread (${options.passes} passes)`, 'target', `ratio at ${small / 1000}k runs`, 'growth', 'met', 'ratio to a floor of the same size'],
      rows,
    ),
    '',
    `EXPLAIN (ANALYZE, BUFFERS) of the statement each lookup sends first (run once after the passes): buffers touched`,
    'and execution time in the server at both sizes.',
    '',
    markdownTable(
      ['statement', `buffers at ${small / 1000}k runs`, `buffers at ${large / 1000}k runs`, `execution at ${small / 1000}k`, `execution at ${large / 1000}k`],
      (explains.get(large) ?? []).map((e, i) => {
        const s = explains.get(small)?.[i];
        return [e.name, String(s?.buffers ?? ''), String(e.buffers), s ? formatMs(s.executionMs) : '', formatMs(e.executionMs)];
      }),
    ),
    '',
    `The plans at ${large.toLocaleString('en-US')} runs:`,
    '',
    ...(explains.get(large) ?? []).flatMap((e) => [`${e.name}:`, '```', e.plan, '```']),
    '',
  ].join('\n');
}

/** The commit measured, and whether the benchmarked sources had uncommitted changes. */
function sourceRevision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'sql', 'bench') !== '';
    return `source: ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' WITH UNCOMMITTED CHANGES in src/, sql/ or bench/' : ' (no uncommitted changes in src/, sql/, bench/)'}`;
  } catch {
    return 'source: not a git checkout';
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
