// DAG B waits for DAG A's XCom through signals (waitForXCom), on real Temporal, Postgres and MinIO, with DAG A's
// and DAG B's workers in separate processes.
import { WorkflowFailedError } from '@temporalio/client';
import { SubscriptionStore } from '../../src/subscriptions/subscription-store';
import { deliver } from '../../src/subscriptions/deliver';
import { signRef } from '../../src/security/ref-mac';
import { storedSigningKeys } from '../../src/security/stored-signing-key';
import type { DagBResult } from '../fixtures/cross-dag/workflows';
import { openCrossDagContext, uniqueId, type CrossDagContext } from '../helpers/cross-dag-context';
import { eventually } from '../helpers/eventually';

let ctx: CrossDagContext;
const queueA = uniqueId('dag-a');
const queueB = uniqueId('dag-b');
beforeAll(async () => {
  ctx = await openCrossDagContext();
});
afterAll(async () => ctx.release());

const startA = (runId: string, value: unknown) =>
  ctx.client.workflow.start('dagA', { taskQueue: queueA, workflowId: runId, args: [{ value }] });
const startB = (workflowId: string, runIdOfA: string, timeout: string | number = '60 seconds') =>
  ctx.client.workflow.start('dagB', {
    taskQueue: queueB,
    workflowId,
    args: [{ target: { dagId: 'dag_a', taskId: 'produce', runId: runIdOfA }, timeout }],
  });
const activeSubscription = (workflowId: string) =>
  eventually(`an active subscription of ${workflowId}`, async () =>
    (await ctx.subscriptionsOf(workflowId)).find((s) => s.status === 'active'),
  );

describe('waitForXCom with both workers running', () => {
  beforeAll(async () => {
    await Promise.all([ctx.startWorker(queueA), ctx.startWorker(queueB)]);
  });
  afterAll(async () => ctx.stopWorkers());

  test('B started first: it subscribes, A commits, the outbox signals B, B gets the value', async () => {
    const runId = uniqueId('a');
    const b = await startB(uniqueId('b'), runId);
    await activeSubscription(b.workflowId);
    await (await startA(runId, { rows: 42 })).result();
    const result = (await b.result()) as DagBResult;
    expect(result.wait).toMatchObject({ found: true, timedOut: false, value: { rows: 42 }, dagId: 'dag_a', runId });
    expect(result.wait.found && result.wait.ref).toMatchObject({ $xcomRef: 1, taskId: 'produce', key: 'return_value' });
    expect(result.consumed).toEqual({ value: { rows: 42 }, attempt: 1 });
    expect(await ctx.subscriptionsOf(b.workflowId)).toEqual([expect.objectContaining({ status: 'satisfied' })]);
    expect(await ctx.outboxOf(b.workflowId)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1, run_id: runId })]);
  });

  test('A finished first: B finds the value when it registers, and no subscription is left', async () => {
    const runId = uniqueId('a');
    await (await startA(runId, 'already there')).result();
    const b = await startB(uniqueId('b'), runId);
    expect(((await b.result()) as DagBResult).wait).toMatchObject({ found: true, value: 'already there', runId });
    expect(await ctx.subscriptionsOf(b.workflowId)).toEqual([]);
  });

  test('50 pairs started at once: every B gets its own A\'s value (no missed wake-up)', async () => {
    const pairs = Array.from({ length: 50 }, (_, i) => ({ a: uniqueId(`a${i}`), b: uniqueId(`b${i}`), value: { i } }));
    const started = await Promise.all(
      pairs.flatMap((p, i) => (i % 2 === 0 ? [startB(p.b, p.a), startA(p.a, p.value)] : [startA(p.a, p.value), startB(p.b, p.a)])),
    );
    const handles = new Map(started.map((h) => [h.workflowId, h]));
    const results = await Promise.all(pairs.map(async (p) => (await handles.get(p.b)!.result()) as DagBResult));
    results.forEach((result, i) => {
      expect(result.wait).toMatchObject({ found: true, value: pairs[i]!.value, runId: pairs[i]!.a });
    });
    // Some found the value at registration, the others were woken through the outbox; no subscription is left.
    const subscriptions = await ctx.store.engine.query<{ status: string; delivered: boolean }>(
      `select s.status, exists (select 1 from xcom.outbox o where o.subscription_id = s.id and o.status = 'delivered') as delivered
         from xcom.subscriptions s where s.run_id = any($1::text[])`,
      [pairs.map((p) => p.a)],
    );
    expect(subscriptions.filter((s) => s.status !== 'satisfied' || !s.delivered)).toEqual([]);
    expect(subscriptions.length).toBeGreaterThan(0);
  });

  test('a large value arrives as a ref; the consuming task gets the value', async () => {
    const runId = uniqueId('a');
    const b = await startB(uniqueId('b'), runId);
    await activeSubscription(b.workflowId);
    await ctx.client.workflow.execute('dagA', { taskQueue: queueA, workflowId: runId, args: [{ bigKilobytes: 400 }] });
    const result = (await b.result()) as DagBResult;
    expect(result.wait.found && result.wait.value).toMatchObject({ $xcomRef: 1, runId, taskId: 'produce' });
    expect(result.consumed).toEqual({ value: { blobLength: 400 * 1024, intact: true }, attempt: 1 });
  });

  test('timeout: a clear result, never a hang, and the subscription is cancelled', async () => {
    const started = Date.now();
    const b = await startB(uniqueId('b'), uniqueId('never'), '1500 milliseconds');
    expect(((await b.result()) as DagBResult).wait).toEqual({ found: false, timedOut: true });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await ctx.subscriptionsOf(b.workflowId)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });

  test('a closed subscriber: the signal fails with NotFound, the outbox row is abandoned, the subscription closed', async () => {
    const runId = uniqueId('a');
    const b = await startB(uniqueId('b'), runId);
    await activeSubscription(b.workflowId);
    await b.terminate('the test closes the subscriber');
    await (await startA(runId, 'nobody listens')).result();
    const [row] = await eventually('an abandoned outbox row', async () => {
      const rows = await ctx.outboxOf(b.workflowId);
      return rows[0]?.status === 'abandoned' && rows;
    });
    expect(row?.last_error).toMatch(/not ?found|completed/i);
    expect(await ctx.subscriptionsOf(b.workflowId)).toEqual([expect.objectContaining({ status: 'closed' })]);
    await expect(b.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  });
});

describe('delivery', () => {
  afterEach(async () => ctx.stopWorkers());

  test('the same outbox row delivered twice is harmless: B takes the first signal and finishes once', async () => {
    const noDelivery = { delivery: false as const };
    const runId = uniqueId('a');
    // B registers, then its worker stops: the signals wait in Temporal until a worker runs B again.
    const workerB = await ctx.startWorker(queueB, noDelivery);
    const b = await startB(uniqueId('b'), runId);
    await activeSubscription(b.workflowId);
    await workerB.stop();
    await ctx.startWorker(queueA, noDelivery);
    await (await startA(runId, 'once')).result();

    const subscriptions = SubscriptionStore.of(ctx.store);
    const [row] = await eventually('the outbox row', async () => {
      const rows = (await subscriptions.claim('default', 10, 30_000)).filter((r) => r.workflowId === b.workflowId);
      return rows.length > 0 && rows;
    });
    // Signed as a worker's delivery loop signs it (the store's key): waiters refuse unsigned refs.
    const signed = { ...row!, ref: signRef(await storedSigningKeys(ctx.store.engine, ctx.store.schema), row!.ref) };
    expect(await deliver(ctx.client, subscriptions, signed)).toBe('delivered');
    expect(await deliver(ctx.client, subscriptions, signed)).toBe('delivered');

    await ctx.startWorker(queueB, noDelivery);
    const result = (await b.result()) as DagBResult;
    expect(result.wait).toMatchObject({ found: true, value: 'once', runId });
    expect(result.consumed).toEqual({ value: 'once', attempt: 1 });
    const history = await b.fetchHistory();
    const signals = history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === '__xcom_available');
    expect(signals).toHaveLength(2);
    const consumeTasks = history.events?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'consume');
    expect(consumeTasks).toHaveLength(1);
  });
});
