import type { Client, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { XComStore } from '../../src/store/xcom-store';
import { summarize, type Summary } from '../lib/percentiles';

export interface LatencyResult {
  /** Producer's commit returned → the waiter's worker starts the workflow task the signal woke. */
  readonly xcomWake: Summary;
  /** Producer's commit returned → the outbox signal is in the waiter's history. */
  readonly xcomSignalled: Summary;
  /** Producer's commit returned → the waiter has the value (waitForXCom returned, workflow completed). */
  readonly xcomValue: Summary;
  /** Client starts `signal()` → the waiter's worker starts the workflow task the signal woke. */
  readonly signalWake: Summary;
  /** Client starts `signal()` → the signal is in the waiter's history. */
  readonly signalSignalled: Summary;
}

const now = (): number => performance.timeOrigin + performance.now();

/**
 * `waits` rounds, alternating: a waitForXCom waiter (registered before the commit, so the outbox path is timed, not
 * the found-at-registration path) woken by a commit made here through the store, and a plain signal waiter woken by
 * the client. Times come from this process's clock and the history's event times (same machine).
 */
export async function benchLatency(client: Client, store: XComStore, taskQueue: string, waits: number): Promise<LatencyResult> {
  const series = { xcomWake: [] as number[], xcomSignalled: [] as number[], xcomValue: [] as number[], signalWake: [] as number[], signalSignalled: [] as number[] };
  const tag = `${Date.now()}`;
  for (let i = -3; i < waits; i++) {
    // Warm-up rounds (i < 0) are not recorded.
    const x = await xcomRound(client, store, taskQueue, `${tag}-${i}`);
    const s = await signalRound(client, taskQueue, `${tag}-${i}`, i);
    if (i < 0) continue;
    series.xcomWake.push(x.wake);
    series.xcomSignalled.push(x.signalled);
    series.xcomValue.push(x.value);
    series.signalWake.push(s.wake);
    series.signalSignalled.push(s.signalled);
  }
  return {
    xcomWake: summarize(series.xcomWake),
    xcomSignalled: summarize(series.xcomSignalled),
    xcomValue: summarize(series.xcomValue),
    signalWake: summarize(series.signalWake),
    signalSignalled: summarize(series.signalSignalled),
  };
}

async function xcomRound(client: Client, store: XComStore, taskQueue: string, id: string) {
  const runId = `producer-${id}`;
  const handle = await client.workflow.start('benchXComWaiter', {
    taskQueue,
    workflowId: `bench-xcom-waiter-${id}`,
    args: [{ dagId: 'bench_producer', taskId: 'produce', runId }],
  });
  await until(async () => {
    const rows = await store.engine.query(`select 1 from xcom.subscriptions where workflow_id = $1 and status = 'active'`, [handle.workflowId]);
    return rows.length > 0;
  });
  await blocked(handle);
  await store.commit([{ dagId: 'bench_producer', runId, taskId: 'produce', key: 'return_value', value: { id }, attempt: 1 }]);
  const committed = now();
  await handle.result();
  const times = await wakeTimes(handle);
  return { wake: times.wokeAt - committed, signalled: times.signalledAt - committed, value: times.completedAt - committed };
}

async function signalRound(client: Client, taskQueue: string, id: string, i: number) {
  const handle = await client.workflow.start('benchSignalWaiter', { taskQueue, workflowId: `bench-signal-waiter-${id}` });
  await blocked(handle);
  const sent = now();
  await handle.signal('ping', i);
  await handle.result();
  const times = await wakeTimes(handle);
  return { wake: times.wokeAt - sent, signalled: times.signalledAt - sent };
}

/**
 * Both kinds of waiter are woken in the same state: blocked in `condition`, their last workflow task completed, and
 * a moment for the worker to poll again.
 */
async function blocked(handle: WorkflowHandle): Promise<void> {
  await until(async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const last = (has: (e: (typeof events)[number]) => unknown) => events.reduce((found, e, i) => (has(e) ? i : found), -1);
    const completed = last((e) => e.workflowTaskCompletedEventAttributes);
    return completed >= 0 && completed > last((e) => e.workflowTaskScheduledEventAttributes);
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Event times of the (first) signal, the workflow task it started, and the completion. */
async function wakeTimes(handle: WorkflowHandle): Promise<{ signalledAt: number; wokeAt: number; completedAt: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const at = (e: temporal.api.history.v1.IHistoryEvent | undefined): number => {
    const t = e?.eventTime;
    if (!t) throw new Error(`bench: missing event in the history of ${handle.workflowId}`);
    return Number(t.seconds) * 1000 + (t.nanos ?? 0) / 1e6;
  };
  const signalIndex = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
  const woke = events.slice(signalIndex + 1).find((e) => e.workflowTaskStartedEventAttributes);
  const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes);
  return { signalledAt: at(events[signalIndex]), wokeAt: at(woke), completedAt: at(completed) };
}

async function until(probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('bench: timed out waiting for the waiter to be ready');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
