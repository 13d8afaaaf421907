// Atomic consume under kill -9 (issue 10, item 3): consumer workers in a separate process are SIGKILLed while four
// consumer attempts hold values they consumed but have not committed. The values stay; the retries, on a new worker
// process, consume them; in the end every value was consumed exactly once (ledger, audit, and what each successful
// consumer returned agree).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { quoteSchema } from '../../src/migrations/schema-name';
import { XComPlugin } from '../../src/plugin';
import type { XComStore } from '../../src/store/xcom-store';
import type { Outcome } from '../fixtures/exclusive/workflows';
import { requiredEnv, testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, type TemporalTestEnv } from '../helpers/temporal';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const ITEMS = 6;
const CONSUMERS = 8;
const ODD = [1, 3, 5, 7];
const EVEN = [0, 2, 4, 6];

let env: TemporalTestEnv;
let database: TestDatabase;
let plugin: XComPlugin;
let gate: string;
const children: { kill: () => void; exited: Promise<unknown> }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  env = await connectTemporal();
  plugin = new XComPlugin({ store: testStoreConfig(database.url), accessPolicy: {} });
  gate = mkdtempSync(path.join(tmpdir(), 'xcom-consume-gate-'));
});

afterAll(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((c) => c.exited));
  await plugin?.runtime.close();
  await env?.close();
  await database?.drop();
  rmSync(gate, { recursive: true, force: true });
});

/** A worker of the exclusive fixtures in its own process (test/fixtures/exclusive/worker-process.ts), once ready. */
async function startWorker(taskQueue: string) {
  const script = path.join(__dirname, '..', 'fixtures', 'exclusive', 'worker-process.ts');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', script], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      TEMPORAL_ADDRESS: requiredEnv('TEMPORAL_ADDRESS'),
      XCOM_TEST_TASK_QUEUE: taskQueue,
      XCOM_TEST_STORE: JSON.stringify(testStoreConfig(database.url)),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => ((output += chunk.toString()), output.includes('worker-ready') && resolve()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((how) => reject(new Error(`worker process exited (${String(how)}) before it was ready:\n${output}`)));
  });
  const handle = { kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), exited, output: () => output };
  children.push(handle);
  await ready;
  return handle;
}

/** Polls `check` until it holds (a state of the run: files the held consumers wrote, committed rows). */
async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const store = async () => (await plugin.runtime.store()) as XComStore;

async function query<R>(sql: string, params: unknown[]): Promise<R[]> {
  const s = await store();
  return s.engine.query<R>(sql.replaceAll('$schema', quoteSchema(s.schema)), params);
}

/** The consumer task ids that hold a consumed value in an uncommitted attempt (files written by `consumeFirst`). */
function heldBy(): Map<string, string> {
  const held = new Map<string, string>();
  for (const file of readdirSync(gate)) {
    const match = /^consumed-(consumer_\d+)-\d+$/.exec(file);
    if (match) held.set(match[1]!, readFileSync(path.join(gate, file), 'utf8'));
  }
  return held;
}

test('consumers SIGKILLed while holding consumed values: every value is consumed exactly once', async () => {
  const taskQueue = `exclusive-kill-${randomUUID()}`;
  const workflowId = `consumeRace-${randomUUID()}`;
  const first = await startWorker(taskQueue);
  const handle = await env.client(plugin).workflow.start('consumeRace', {
    taskQueue,
    workflowId,
    args: [{ items: ITEMS, consumers: CONSUMERS, gate, gateOdd: true }],
  });

  // The even consumers run through and commit; the odd ones consume and then hold, uncommitted, in the first process.
  const committed = async () =>
    (await query<{ n: number }>(`select count(*)::int as n from $schema.task_instances where dag_id = 'consumeRace' and run_id = $1 and task_id = any($2)`, [
      workflowId,
      EVEN.map((c) => `consumer_${c}`),
    ]))[0]!.n;
  await waitFor('the even consumers to commit and the odd ones to hold a consumed value', async () => (await committed()) === EVEN.length && heldBy().size === ODD.length);
  const held = heldBy();

  first.kill();
  expect(await first.exited).toBe('SIGKILL');

  // Nothing the killed attempts consumed was removed: only the even consumers' values are gone.
  const consumedBeforeRestart = await query<{ key: string }>(`select key from $schema.ledger where run_id = $1 and outcome = 'consumed'`, [workflowId]);
  expect(consumedBeforeRestart).toHaveLength(EVEN.length);
  for (const key of held.values()) {
    if (!consumedBeforeRestart.some((r) => r.key === key)) {
      expect(await (await store()).get({ dagId: 'consumeRace', runId: workflowId, taskId: 'producer', key })).toBeDefined();
    }
  }

  // The retries (after the held attempts' heartbeat timeout) run on a new process and are not held.
  writeFileSync(path.join(gate, 'release'), '');
  await startWorker(taskQueue);
  const outcomes = (await handle.result()) as Outcome[];

  type Consumed = { key: string; value: { item: number } } | null;
  expect(outcomes.filter((o) => !('ok' in o))).toEqual([]);
  const got = outcomes.map((o) => ('ok' in o ? (o.ok as Consumed) : null));
  const keys = got.flatMap((g) => (g ? [g.key] : []));
  const all = Array.from({ length: ITEMS }, (_, i) => `item_${i}`);
  expect([...keys].sort()).toEqual(all);
  expect(got.filter((g) => g === null)).toHaveLength(CONSUMERS - ITEMS);
  for (const g of got) if (g) expect(g.value).toEqual({ item: Number(g.key.slice('item_'.length)) });

  // Exactly one 'consumed' row per value in the ledger and in the audit trail, by the consumer that returned it.
  const ledger = await query<{ key: string }>(`select key from $schema.ledger where run_id = $1 and outcome = 'consumed' order by key`, [workflowId]);
  expect(ledger.map((r) => r.key)).toEqual(all);
  const audit = await query<{ key: string; reader: string }>(
    `select key, reader_task_id as reader from $schema.audit where action = 'consume' and run_id = $1 order by key`,
    [workflowId],
  );
  expect(audit.map((r) => r.key)).toEqual(all);
  for (const row of audit) expect(got[Number(row.reader.slice('consumer_'.length))]?.key).toBe(row.key);
  // Every value a killed attempt held was still consumed exactly once, by someone.
  for (const key of held.values()) expect(ledger.filter((r) => r.key === key)).toHaveLength(1);
  expect((await (await store()).getMany({ dagIds: 'consumeRace', runId: workflowId, taskIds: 'producer' })).map((r) => r.key)).toEqual(['return_value']);
}, 600_000);
