// The outbox survives the producer's worker dying between its commit and the signal.
import type { DagBResult } from '../fixtures/cross-dag/workflows';
import { openCrossDagContext, uniqueId, type CrossDagContext } from '../helpers/cross-dag-context';
import { eventually } from '../helpers/eventually';

let ctx: CrossDagContext;
beforeAll(async () => {
  ctx = await openCrossDagContext();
});
afterAll(async () => ctx.release());

test('a worker killed right after the commit: the signal still arrives once another worker runs the delivery loop', async () => {
  const queueA = uniqueId('dag-a');
  const queueB = uniqueId('dag-b');
  const runId = uniqueId('a');
  // B's worker delivers nothing, so the only loop that could signal B is the one in A's worker process.
  await ctx.startWorker(queueB, { delivery: false });
  const b = await ctx.client.workflow.start('dagB', {
    taskQueue: queueB,
    workflowId: uniqueId('b'),
    args: [{ target: { dagId: 'dag_a', taskId: 'produce', runId }, timeout: '2 minutes' }],
  });
  await eventually('B subscribed', async () => (await ctx.subscriptionsOf(b.workflowId)).find((s) => s.status === 'active'));

  // A's worker runs a delivery loop that cannot act in time (no LISTEN, a 10-minute poll), and its process is
  // SIGKILLed as soon as `produce` has committed: entries and outbox row are in, no signal went out. (The loop's
  // first round may still claim the row just before the kill: then its lease, 1 s here, hands it on.)
  const doomed = await ctx.startWorker(queueA, {
    delivery: { listen: false, pollIntervalMs: 600_000, leaseMs: 1000 },
    killAfterCommitType: 'produceValue',
  });
  const a = await ctx.client.workflow.start('dagA', { taskQueue: queueA, workflowId: runId, args: [{ value: 'survives the crash' }] });
  expect(await doomed.exited).toBe('SIGKILL');
  expect(doomed.output()).toContain('killing-after-commit');
  const [pending] = await ctx.outboxOf(b.workflowId);
  expect(pending).toMatchObject({ status: 'pending', run_id: runId });
  const signalled = (await b.fetchHistory()).events?.some((e) => e.workflowExecutionSignaledEventAttributes);
  expect(signalled).toBe(false);

  // A new worker process for A: its delivery loop finds the pending row when it starts.
  await ctx.startWorker(queueA);
  const result = (await b.result()) as DagBResult;
  expect(result.wait).toMatchObject({ found: true, value: 'survives the crash', runId });
  const [delivered] = await ctx.outboxOf(b.workflowId);
  expect(delivered).toMatchObject({ id: pending!.id, status: 'delivered', attempts: pending!.attempts + 1 });
  // A itself completes: its task is retried on the new worker and re-commits the same value.
  expect(await a.result()).toBe('survives the crash');
});
