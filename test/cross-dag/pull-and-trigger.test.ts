// Cross-DAG pulls by query (latest by logical date, scoped to the DAG read), TriggerDagRun with XComs as input, and
// an application waiting for an XCom from outside any workflow.
import { XComClient } from '../../src/client/xcom-client';
import { openCrossDagContext, uniqueId, type CrossDagContext } from '../helpers/cross-dag-context';
import { eventually } from '../helpers/eventually';

let ctx: CrossDagContext;
const queueA = uniqueId('dag-a');
const queueB = uniqueId('dag-b');
beforeAll(async () => {
  ctx = await openCrossDagContext();
  await Promise.all([ctx.startWorker(queueA), ctx.startWorker(queueB)]);
});
afterAll(async () => ctx.release());

const runA = (runId: string, args: Record<string, unknown>) =>
  ctx.client.workflow.execute('dagA', { taskQueue: queueA, workflowId: runId, args: [args] });

test('B pulls the latest XCom of A at or before its own logical date, across three runs of A', async () => {
  const runs = [uniqueId('a1'), uniqueId('a2'), uniqueId('a3')];
  // Committed out of date order: the logical date decides, not the commit order.
  await runA(runs[2]!, { value: 'jan-3', logicalDate: '2024-01-03T00:00:00Z' });
  await runA(runs[0]!, { value: 'jan-1', logicalDate: '2024-01-01T00:00:00Z' });
  await runA(runs[1]!, { value: 'jan-2', logicalDate: '2024-01-02T00:00:00Z' });
  const result = await ctx.client.workflow.execute('dagBPullsLatest', {
    taskQueue: queueB,
    workflowId: uniqueId('b'),
    args: [{ logicalDate: '2024-01-02T12:00:00Z', runId: runs[0] }],
  });
  expect(result).toEqual({
    // B's own run id means nothing in dag_a; the cutoff is B's logical date (Airflow 3.2/3.3 return None, #70173).
    fromWorkflow: 'jan-2',
    fromTask: 'jan-2',
    byRunId: 'jan-1',
    // waitForXCom for any run: the newest existing run, whatever the waiter's date.
    newest: { runId: runs[2], value: 'jan-3' },
  });
});

test('A triggers B (TriggerDagRun) with refs to its XComs as conf; B\'s task gets the values; trigger_run_id is recorded', async () => {
  const runId = uniqueId('a');
  const triggered = (await ctx.client.workflow.execute('dagATriggers', {
    taskQueue: queueA,
    workflowId: runId,
    args: [{ taskQueue: queueB }],
  })) as { runId: string; firstExecutionRunId: string };
  expect(triggered.runId).toBe(`dag_a__${runId}__trigger__triggered`);
  const b = ctx.client.workflow.getHandle(triggered.runId);
  expect(await b.result()).toEqual({
    used: { rows: [1, 2, 3], bigLength: 400 * 1024, bigIntact: true, note: 'plain values pass as they are' },
    confWasRefs: true,
  });
  const pushed = await ctx.store.get({ dagId: 'dag_a', runId, taskId: 'trigger', key: 'trigger_run_id' });
  expect(pushed?.value).toBe(triggered.runId);
  // Only refs crossed into B's history: its start event is small although `big` is 400 KiB.
  const started = (await b.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
  const inputBytes = (started?.input?.payloads ?? []).reduce((n, p) => n + (p.data?.byteLength ?? 0), 0);
  expect(inputBytes).toBeGreaterThan(0);
  expect(inputBytes).toBeLessThan(2048);
});

describe('XComClient.waitFor (outside any workflow)', () => {
  let client: XComClient;
  beforeAll(async () => {
    client = await XComClient.open({ store: ctx.store });
  });

  test('waits for a run of A and is woken by its commit (LISTEN/NOTIFY), not by polling', async () => {
    const runId = uniqueId('a');
    let resolvedAt = 0;
    const waiting = client
      .waitFor({ dagId: 'dag_a', taskId: 'produce', runId }, { timeoutMs: 60_000, maxPollIntervalMs: 30_000 })
      .then((result) => ((resolvedAt = Date.now()), result));
    await eventually('the client subscription', async () => {
      const rows = await ctx.store.engine.query(`select id from xcom.subscriptions where kind = 'client' and run_id = $1`, [runId]);
      return rows.length > 0;
    });
    // Let the poll interval grow well past a second: only a notification can wake it quickly now.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await runA(runId, { value: 'for the application' });
    const doneAt = Date.now();
    expect(await waiting).toMatchObject({ found: true, value: 'for the application', runId, dagId: 'dag_a' });
    expect(resolvedAt - doneAt).toBeLessThan(1000);
    const [subscription] = await ctx.store.engine.query<{ status: string }>(`select status from xcom.subscriptions where run_id = $1`, [runId]);
    expect(subscription?.status).toBe('satisfied');
  });

  test('returns at once when the XCom exists (the newest run), and times out cleanly when it never comes', async () => {
    const runId = uniqueId('a');
    await runA(runId, { value: 'exists', logicalDate: '2030-01-01T00:00:00Z' });
    const existing = await client.waitFor({ dagId: 'dag_a', taskId: 'produce' }, { timeoutMs: 5000 });
    expect(existing).toMatchObject({ found: true, value: 'exists', runId, taskId: 'produce', mapIndex: -1, key: 'return_value' });
    // No ref: a client cannot sign one, and a worker would refuse it as forged.
    expect(existing).not.toHaveProperty('ref');
    const never = uniqueId('never');
    expect(await client.waitFor({ dagId: 'dag_a', taskId: 'produce', runId: never }, { timeoutMs: 300 })).toEqual({ found: false, timedOut: true });
    const [subscription] = await ctx.store.engine.query<{ status: string }>(`select status from xcom.subscriptions where run_id = $1`, [never]);
    expect(subscription?.status).toBe('cancelled');
  });
});
