// The subscription store and the commit statement's outbox, without Temporal: the lock protocol on a real Postgres
// (both orders of the race, forced), and the matching rules on both engines.
import type { SqlEngine, SqlExecutor } from '../../src/engines/sql-engine';
import { SubscriptionStore, type Subscriber } from '../../src/subscriptions/subscription-store';
import { resolveWaitTarget } from '../../src/subscriptions/wait-target';
import { XComStore } from '../../src/store/xcom-store';
import type { XComWrite } from '../../src/store/types';
import { openEngine, openObjectStore, uniqueRunId, type EngineKind, type Opened } from '../helpers/store-fixtures';

const workflow = (id: string): Subscriber => ({ kind: 'workflow', namespace: 'default', workflowId: id, workflowRunId: `${id}-run` });
const write = (runId: string, overrides: Partial<XComWrite> = {}): XComWrite => ({
  dagId: 'dag_a',
  runId,
  taskId: 'produce',
  key: 'return_value',
  value: { from: runId },
  attempt: 1,
  ...overrides,
});

/** A gate a test opens when it wants a held transaction to commit; `reached` resolves once one is held there. */
interface Gate {
  readonly reached: Promise<void>;
  release(): void;
  /** Called by the holding engine: marks the gate reached and waits for `release`. */
  hold(): Promise<void>;
}

function gate(): Gate {
  let release!: () => void;
  let arrived!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  return {
    reached,
    release,
    hold: () => {
      arrived();
      return released;
    },
  };
}

/** The same engine, but transactions wait at `held` before they commit. */
function holdingTransactions(engine: SqlEngine, held: Gate): SqlEngine {
  return {
    ...engine,
    query: (sql, params) => engine.query(sql, params),
    exec: (sql) => engine.exec(sql),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
      engine.transaction(async (tx) => {
        const result = await fn(tx);
        await held.hold();
        return result;
      }),
    close: () => Promise.resolve(),
  };
}

/** The same engine, but every statement runs in a transaction that waits at `held` before it commits. */
function holdingStatements(engine: SqlEngine, held: Gate): SqlEngine {
  return {
    ...holdingTransactions(engine, held),
    query: <R>(sql: string, params?: readonly unknown[]) =>
      engine.transaction(async (tx) => {
        const rows = await tx.query<R>(sql, params);
        await held.hold();
        return rows;
      }),
  };
}

/** Resolves once some session waits for an advisory lock (the other side of the race is holding it). */
async function someoneWaitsForTheWatchLock(engine: SqlEngine): Promise<void> {
  // Up to 60 s: on a loaded machine the other side can take a while to get there.
  for (let i = 0; i < 2400; i++) {
    const [row] = await engine.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`,
    );
    if ((row?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('nobody waited for the watch lock: the race was not forced');
}

describe('the lock protocol on Postgres (READ COMMITTED), with the race forced both ways', () => {
  let engine: Opened<SqlEngine>;
  let store: XComStore;
  let subscriptions: SubscriptionStore;
  beforeAll(async () => {
    engine = await openEngine('postgres');
    const objects = await openObjectStore('directory');
    store = new XComStore({ engine: engine.value, objectStore: objects.value });
    subscriptions = new SubscriptionStore(engine.value, 'xcom');
  });
  afterAll(async () => engine.release());

  test('waiter first: a commit whose statement began before the subscription committed still writes its outbox row', async () => {
    const runId = uniqueRunId('a');
    const held = gate();
    const waiter = new SubscriptionStore(holdingStatements(engine.value, held), 'xcom');
    // The waiter takes the lock, finds nothing and inserts its subscription (one call), then holds its transaction open.
    const registering = waiter.register({
      waitId: `w-${runId}`,
      target: resolveWaitTarget({ dagId: 'dag_a', taskId: 'produce', runId }),
      subscriber: workflow(`b-${runId}`),
      expiresInMs: 60_000,
    });
    await held.reached;
    // The producer's statement starts now (its snapshot cannot see the subscription) and blocks on the lock.
    const committing = store.commit([write(runId)]);
    await someoneWaitsForTheWatchLock(engine.value);
    held.release();
    const registration = await registering;
    expect(registration.found).toBeUndefined();
    await committing;
    const outbox = await engine.value.query<{ subscription_id: number; run_id: string; status: string }>(
      `select subscription_id, run_id, status from xcom.outbox where run_id = $1`,
      [runId],
    );
    expect(outbox).toEqual([{ subscription_id: registration.subscriptionId, run_id: runId, status: 'pending' }]);
  });

  test('producer first: a waiter registering while the commit is in flight finds the entry once it commits', async () => {
    const runId = uniqueRunId('a');
    const held = gate();
    const producer = new XComStore({ engine: holdingStatements(engine.value, held), objectStore: store.objectStore });
    const committing = producer.commit([write(runId)]);
    await held.reached;
    const registering = subscriptions.register({
      waitId: `w-${runId}`,
      target: resolveWaitTarget({ dagId: 'dag_a', taskId: 'produce', runId }),
      subscriber: workflow(`b-${runId}`),
      expiresInMs: 60_000,
    });
    await someoneWaitsForTheWatchLock(engine.value);
    held.release();
    await committing;
    const registration = await registering;
    expect(registration.found).toMatchObject({ dagId: 'dag_a', runId, taskId: 'produce', key: 'return_value' });
    // Found at registration: no subscription was left waiting, so the commit had nobody to wake.
    const [row] = await engine.value.query<{ n: number }>(`select count(*)::int as n from xcom.subscriptions where wait_id = $1`, [
      `w-${runId}`,
    ]);
    expect(row?.n).toBe(0);
  });

  test('producers of the same key do not wait for each other', async () => {
    const held = gate();
    const producer = new XComStore({ engine: holdingStatements(engine.value, held), objectStore: store.objectStore });
    const first = producer.commit([write(uniqueRunId('a'))]);
    await held.reached; // the first producer holds its shared lock, uncommitted
    // Shared locks: a second producer of (dag_a, produce, return_value) commits while the first still holds its lock
    // (were the locks exclusive, this would wait forever and the test would time out).
    const [second] = await store.commit([write(uniqueRunId('a'))]);
    expect(second?.written).toBe(true);
    held.release();
    expect((await first)[0]?.written).toBe(true);
  });
});

describe.each<EngineKind>(['postgres', 'pglite'])('subscriptions and the outbox on %s', (kind) => {
  let engine: Opened<SqlEngine>;
  let store: XComStore;
  let subscriptions: SubscriptionStore;
  beforeAll(async () => {
    engine = await openEngine(kind);
    const objects = await openObjectStore('directory');
    store = new XComStore({ engine: engine.value, objectStore: objects.value });
    subscriptions = SubscriptionStore.of(store);
  });
  afterAll(async () => engine.release());

  const register = (waitId: string, target: Parameters<typeof resolveWaitTarget>[0], subscriber = workflow(waitId)) =>
    subscriptions.register({ waitId, target: resolveWaitTarget(target), subscriber, expiresInMs: 60_000 });

  test('a commit queues one outbox row per matching subscription; claim, deliver, and the rest is skipped', async () => {
    const runId = uniqueRunId('a');
    const exact = await register(`exact-${runId}`, { dagId: 'dag_a', taskId: 'produce', runId });
    const anyRun = await register(`any-${runId}`, { dagId: 'dag_a', taskId: 'produce' });
    // Not matching: another run, another map index, another key, a later logical date, a client (NOTIFY only).
    await register(`other-run-${runId}`, { dagId: 'dag_a', taskId: 'produce', runId: `${runId}-x` });
    await register(`mapped-${runId}`, { dagId: 'dag_a', taskId: 'produce', runId, mapIndex: 0 });
    await register(`key-${runId}`, { dagId: 'dag_a', taskId: 'produce', runId, key: 'other' });
    await register(`later-${runId}`, { dagId: 'dag_a', taskId: 'produce', minLogicalDate: new Date('2100-01-01') });
    await register(`client-${runId}`, { dagId: 'dag_a', taskId: 'produce', runId }, { kind: 'client' });
    expect(exact.subscriptionId).toEqual(expect.any(Number));

    await store.commit([write(runId, { logicalDate: new Date('2024-01-01T00:00:00Z') })]);
    const claimed = await subscriptions.claim('default', 50, 30_000);
    const mine = claimed.filter((row) => row.ref.runId === runId);
    expect(mine.map((row) => row.subscriptionId).sort((a, b) => a - b)).toEqual(
      [exact.subscriptionId!, anyRun.subscriptionId!].sort((a, b) => a - b),
    );
    expect(mine[0]?.ref).toMatchObject({ $xcomRef: 1, dagId: 'dag_a', runId, taskId: 'produce', mapIndex: -1, digest: expect.any(String) });
    // Claimed rows are leased: a second claim does not return them.
    expect((await subscriptions.claim('default', 50, 30_000)).filter((row) => row.ref.runId === runId)).toEqual([]);

    for (const row of mine) await subscriptions.delivered(row);
    // A waiter whose timeout races the delivery learns that its signal is on the way.
    expect(await subscriptions.cancel(`exact-${runId}`)).toBe('satisfied');
    expect(await subscriptions.cancel(`key-${runId}`)).toBe('cancelled');
    expect(await subscriptions.cancel(`never-registered-${runId}`)).toBeUndefined();
    const statuses = await engine.value.query<{ wait_id: string; status: string }>(
      `select wait_id, status from xcom.subscriptions where wait_id like $1 order by wait_id`,
      [`%${runId}%`],
    );
    expect(Object.fromEntries(statuses.map((s) => [s.wait_id.replace(`-${runId}`, ''), s.status]))).toEqual({
      any: 'satisfied',
      exact: 'satisfied',
      client: 'active',
      key: 'cancelled',
      later: 'active',
      mapped: 'active',
      'other-run': 'active',
    });
  });

  test('registering finds an existing entry (the newest run for any run) and leaves no subscription', async () => {
    const dagId = `dag_${uniqueRunId('d').replace('-', '_')}`;
    const runs = [
      ['r1', '2024-01-01T00:00:00Z'],
      ['r3', '2024-01-03T00:00:00Z'],
      ['r2', '2024-01-02T00:00:00Z'],
    ] as const;
    for (const [runId, date] of runs) await store.commit([write(runId, { dagId, logicalDate: new Date(date) })]);
    const latest = await register(`latest-${dagId}`, { dagId, taskId: 'produce' });
    expect(latest.found?.runId).toBe('r3');
    const bounded = await register(`bounded-${dagId}`, { dagId, taskId: 'produce', runId: 'r2' });
    expect(bounded.found?.runId).toBe('r2');
    const future = await register(`future-${dagId}`, { dagId, taskId: 'produce', minLogicalDate: '2024-02-01T00:00:00Z' });
    expect(future.found).toBeUndefined();
    const [row] = await engine.value.query<{ n: number }>(`select count(*)::int as n from xcom.subscriptions where dag_id = $1`, [dagId]);
    expect(row?.n).toBe(1);
  });

  test('registering twice with one wait id keeps one subscription; ending it is idempotent', async () => {
    const runId = uniqueRunId('a');
    const first = await register(`twice-${runId}`, { dagId: 'dag_a', taskId: 'produce', runId });
    const second = await register(`twice-${runId}`, { dagId: 'dag_a', taskId: 'produce', runId });
    expect(second.subscriptionId).toBe(first.subscriptionId);
    expect(await subscriptions.end(`twice-${runId}`, 'cancelled')).toBe(true);
    expect(await subscriptions.end(`twice-${runId}`, 'cancelled')).toBe(false);
    await store.commit([write(runId)]);
    expect((await subscriptions.claim('default', 50, 30_000)).filter((row) => row.ref.runId === runId)).toEqual([]);
  });

  test('expired subscriptions are cancelled; ended ones are pruned with their outbox rows', async () => {
    const runId = uniqueRunId('a');
    await subscriptions.register({
      waitId: `expiring-${runId}`,
      target: resolveWaitTarget({ dagId: 'dag_a', taskId: 'produce', runId }),
      subscriber: workflow(`expiring-${runId}`),
      expiresInMs: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await subscriptions.expire()).toBeGreaterThanOrEqual(1);
    expect(await subscriptions.end(`expiring-${runId}`, 'cancelled')).toBe(false);
    expect(await subscriptions.prune(0)).toBeGreaterThanOrEqual(1);
    const [row] = await engine.value.query<{ n: number }>(`select count(*)::int as n from xcom.subscriptions where wait_id = $1`, [
      `expiring-${runId}`,
    ]);
    expect(row?.n).toBe(0);
  });
});
