// Atomic consume under kill -9 (issue 10, item 3): consumer workers in a separate process are SIGKILLed while four
// consumer attempts hold values they consumed but have not committed. The values stay; the retries, on a new worker
// process, consume them; in the end every value was consumed exactly once (ledger, audit, and what each successful
// consumer returned agree).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quoteSchema } from '../../src/migrations/schema-name';
import { XComPlugin } from '../../src/plugin';
import type { XComStore } from '../../src/store/xcom-store';
import type { Outcome } from '../fixtures/exclusive/workflows';
import { eventually } from '../helpers/eventually';
import { testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, type TemporalTestEnv } from '../helpers/temporal';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const ITEMS = 6;
const CONSUMERS = 8;
const ODD = [1, 3, 5, 7];
const EVEN = [0, 2, 4, 6];

let env: TemporalTestEnv;
let database: TestDatabase;
let plugin: XComPlugin;
let gate: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  env = await connectTemporal();
  plugin = new XComPlugin({ store: testStoreConfig(database.url), accessPolicy: {} });
  gate = mkdtempSync(path.join(tmpdir(), 'xcom-consume-gate-'));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await plugin?.runtime.close();
  await env?.close();
  await database?.drop();
  rmSync(gate, { recursive: true, force: true });
});

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
  const startWorker = async () => {
    const worker = await startWorkerProcess({ taskQueue, store: testStoreConfig(database.url), suite: 'exclusive' });
    workers.push(worker);
    return worker;
  };
  const first = await startWorker();
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
  await eventually('the even consumers to commit and the odd ones to hold a consumed value', async () => (await committed()) === EVEN.length && heldBy().size === ODD.length, 180_000);
  const held = heldBy();

  first.child.kill('SIGKILL');
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
  await startWorker();
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
