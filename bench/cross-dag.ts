/**
 * `npm run bench:cross-dag [-- --quick]`: how fast a cross-DAG wait wakes up, beside a plain Temporal signal round
 * trip measured in the same run, and what the wake-up costs the producer's commit. Starts a Temporal dev server and
 * uses the local Postgres (or TEMPORAL_ADDRESS / DATABASE_URL); prints markdown tables, progress on stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createDatabase, databaseUrl, dropDatabase } from '../services/postgres';
import { startServices } from '../services/start-services';
import type { StoreConfig } from '../src/config/store-config';
import { openXComStore } from '../src/config/open-store';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import { XComPlugin } from '../src/plugin';
import type { XComStore } from '../src/store/xcom-store';
import { benchCommitCost, type CommitCostResult } from './cross-dag/commit-cost';
import { benchLatency, type LatencyResult } from './cross-dag/latency';
import { FLOOR_DDL } from './lib/floor-sql';
import { describeMachine } from './lib/machine';
import type { Summary } from './lib/percentiles';
import { formatMs, formatRate, formatRatio, markdownTable } from './lib/table';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (use --quick)`);
  const quick = args.includes('--quick');
  const waits = quick ? 15 : 50;
  const started = Date.now();
  const step = (what: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
  Runtime.install({ logger: new DefaultLogger('WARN') });

  step('starting services');
  const services = await startServices({ temporal: true, s3: false, postgres: true });
  const cleanups: (() => Promise<unknown>)[] = [() => services.stop()];
  try {
    const adminUrl = services.env.DATABASE_URL!;
    const name = `xcom_bench_xdag_${randomBytes(4).toString('hex')}`;
    await createDatabase(adminUrl, name);
    cleanups.push(() => dropDatabase(adminUrl, name));
    const url = databaseUrl(adminUrl, name);
    const objects = await mkdtemp(join(tmpdir(), 'xcom-bench-xdag-'));
    cleanups.push(() => rm(objects, { recursive: true, force: true }));
    const config: StoreConfig = {
      database: { kind: 'postgres', connectionString: url },
      objects: { kind: 'directory', directory: objects },
      schema: 'xcom',
      inlineThresholdBytes: 48 * 1024,
      maxValueBytes: 512 * 1024 * 1024,
      compression: 'gzip',
    };
    const store = await openXComStore(config);
    cleanups.push(() => store.close());
    await store.engine.exec(FLOOR_DDL);
    const machine = await describeMachine(url);

    step(`wake-up latency: ${waits} waits, each beside a plain signal round trip`);
    const latency = await withWorker(services.env.TEMPORAL_ADDRESS!, config, (client, taskQueue) =>
      benchLatency(client, store, taskQueue, waits),
    );

    step('commit cost of the wake-up');
    const engine = createPostgresEngine({ connectionString: url, max: 1 });
    cleanups.push(() => engine.close());
    const batches = quick ? 20 : 60;
    const costs: CommitCostResult[] = [];
    for (const [batchSize, activeSubscriptions] of [[100, 0], [1, 0], [100, 20]] as const) {
      if (activeSubscriptions > 0) await addUnrelatedSubscriptions(store, activeSubscriptions);
      costs.push(await benchCommitCost(engine, { batchSize, batches: batchSize === 1 ? batches * 10 : batches, activeSubscriptions, label: `b${batchSize}s${activeSubscriptions}` }));
    }
    step('done');
    machine.push(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    process.stdout.write(report(machine, waits, latency, costs, quick, (Date.now() - started) / 1000));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => process.stderr.write(`cleanup: ${String(err)}\n`));
  }
}

/** One in-process worker (plugin with its delivery loop, LISTEN on) for the bench workflows. */
async function withWorker<T>(address: string, config: StoreConfig, fn: (client: Client, taskQueue: string) => Promise<T>): Promise<T> {
  // The waiter (its own DAG: benchXComWaiter) reads bench_producer's XComs: a read grant.
  const plugin = new XComPlugin({
    store: config,
    migrate: false,
    accessPolicy: { rules: [{ name: 'bench waiter', workflowTypes: ['benchXComWaiter'], read: ['bench_producer'] }] },
  });
  const native = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const taskQueue = `bench-cross-dag-${randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: require.resolve('./cross-dag/workflows'),
      activities: {},
      plugins: [plugin],
    });
    const client = new Client({ connection });
    return await worker.runUntil(async () => {
      await plugin.store();
      return fn(client, taskQueue);
    });
  } finally {
    await connection.close();
    await native.close();
  }
}

/** Active subscriptions on keys nobody writes: the commit's wake-up then runs its lookup instead of the fast path. */
async function addUnrelatedSubscriptions(store: XComStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.engine.query(
      `insert into xcom.subscriptions (wait_id, kind, dag_id, task_id, key, expires_at)
       values ($1, 'client', 'elsewhere', $2, 'return_value', now() + interval '1 hour')`,
      [`bench-unrelated-${i}-${randomBytes(3).toString('hex')}`, `t${i}`],
    );
  }
}

function report(machine: readonly string[], waits: number, l: LatencyResult, costs: readonly CommitCostResult[], quick: boolean, seconds: number): string {
  const row = (what: string, s: Summary, base?: Summary) => [
    what,
    formatMs(s.p50Ms),
    formatMs(s.p99Ms),
    base ? formatRatio(s.p50Ms / base.p50Ms) : '',
    base ? formatRatio(s.p99Ms / base.p99Ms) : '',
  ];
  const latencyTable = markdownTable(
    ['path', 'p50', 'p99', 'p50 ÷ signal', 'p99 ÷ signal'],
    [
      row('plain signal: client `signal()` → waiter\'s workflow task starts', l.signalWake),
      row('cross-DAG: commit returns → waiter\'s workflow task starts', l.xcomWake, l.signalWake),
      row('plain signal: client `signal()` → signal in history', l.signalSignalled),
      row('cross-DAG: commit returns → outbox signal in history', l.xcomSignalled, l.signalSignalled),
      row('cross-DAG: commit returns → `waitForXCom` returned the value', l.xcomValue, l.signalWake),
    ],
  );
  const costTable = markdownTable(
    ['commit', 'with wake-up rows/s', 'without rows/s', 'bare upsert rows/s', 'with ÷ without', 'with ÷ bare', 'without ÷ bare', 'p50 with / without'],
    costs.map((c) => [
      `${c.batchSize === 1 ? '1 entry' : `batch of ${c.batchSize}`}, ${c.activeSubscriptions} active subscriptions`,
      formatRate(c.withWake.opsPerSec),
      formatRate(c.withoutWake.opsPerSec),
      formatRate(c.floor.opsPerSec),
      formatRatio(c.withWake.opsPerSec / c.withoutWake.opsPerSec),
      formatRatio(c.withWake.opsPerSec / c.floor.opsPerSec),
      formatRatio(c.withoutWake.opsPerSec / c.floor.opsPerSec),
      `${formatMs(c.withWake.p50Ms)} / ${formatMs(c.withoutWake.p50Ms)}`,
    ]),
  );
  return [
    `# bench:cross-dag (${quick ? 'quick' : 'full'} run, ${seconds.toFixed(0)} s)`,
    '',
    ...machine.map((line) => `- ${line}`),
    '',
    `## Wake-up latency (${waits} waits of each kind, alternating)`,
    '',
    'A waiter registered (subscription active) before the commit, so this is the outbox path; one worker in the bench',
    'process runs the waiter and the delivery loop (LISTEN on); the producer commits through the store from the bench',
    'process. Times: the bench clock (commit returned / `signal()` called) to the history\'s event times (same machine).',
    '',
    latencyTable,
    '',
    '## What the wake-up costs the producer\'s commit (inline ~1 KB values, new task ids every batch)',
    '',
    '"without" is the same commit statement minus its `wake_subscribers` call (the statement before cross-DAG waits);',
    '"bare upsert" is bench:store\'s floor. Statement time only, one connection, interleaved blocks.',
    '',
    costTable,
    '',
  ].join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cross-dag failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
