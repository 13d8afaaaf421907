import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { workflowTimings } from './history-latency';
import { NONCE_BYTES, largePayload, sha256Hex } from './payload';
import { zeroCounts, type S3CallCounts } from './external-storage';
import type { Side } from './workers';
import type { largeHandoff } from './workflows';

export interface LargePlan {
  readonly sizes: readonly { readonly bytes: number; readonly repetitions: number; readonly timeoutMs: number }[];
  /** One untimed run per path at this size first (connections, JIT, bucket warm). */
  readonly warmupBytes: number;
}

/** One workflow run: end to end from the client, and where the time went according to the history. */
export interface HandoffSample {
  /** Client: start request → result received. */
  readonly endToEndMs: number;
  /** The producing activity, scheduled → completed (its result stored: our upload, or External Storage's). */
  readonly produceMs: number;
  /** Producer completed → consumer scheduled: the workflow task that hands the value (or the ref) on. */
  readonly handoffMs: number;
  /** The consuming activity, scheduled → completed (the value fetched and hashed). */
  readonly consumeMs: number;
  /** Of those, the time each activity waited to be dispatched (scheduled → started). */
  readonly produceDispatchMs: number;
  readonly consumeDispatchMs: number;
}

export interface PathResult {
  readonly samples: HandoffSample[];
  /** Why the path could not move the value, when it could not. */
  readonly failure?: string;
  /** S3 calls per run: the XCom store's object store, or External Storage's driver. */
  readonly s3PerRun?: S3CallCounts;
}

export interface SizeResult {
  readonly bytes: number;
  readonly xcom: PathResult;
  readonly externalStorage: PathResult;
}

/** One way of moving the value: a side, whether its workflow must hold a ref, and its S3 call counters. */
export interface HandoffPath {
  readonly side: Side;
  readonly expectRef: boolean;
  readonly counts: S3CallCounts;
}

/** Each size through both paths, alternating which goes first, stopping a path at its first failure. */
export async function benchLargeValues(
  xcom: Side & { readonly counts: S3CallCounts },
  externalStorage: Side & { readonly counts: S3CallCounts },
  plan: LargePlan,
  step: (what: string) => void,
): Promise<SizeResult[]> {
  const ours: HandoffPath = { side: xcom, expectRef: true, counts: xcom.counts };
  const theirs: HandoffPath = { side: externalStorage, expectRef: false, counts: externalStorage.counts };
  const sizes = await benchHandoffs([ours, theirs], plan, step);
  return sizes.map(({ bytes, paths: [x, es] }) => ({ bytes, xcom: x!, externalStorage: es! }));
}

/**
 * Each size through every path (a warm-up run each first), the order of the paths reversing from one repetition
 * to the next, stopping a path at its first failure. Results per size in the order of `paths`.
 */
export async function benchHandoffs(
  paths: readonly HandoffPath[],
  plan: LargePlan,
  step: (what: string) => void,
): Promise<{ bytes: number; paths: PathResult[] }[]> {
  step(`warm-up: ${plan.warmupBytes} bytes through each path`);
  const brokenBefore = new Map<HandoffPath, string>();
  for (const path of paths) {
    try {
      await runHandoff(path, plan.warmupBytes, 60_000);
    } catch (err) {
      brokenBefore.set(path, `already at the ${plan.warmupBytes}-byte warm-up: ${describeFailure(err)}`);
      step(`  ${path.side.label} failed: ${brokenBefore.get(path)}`);
    }
  }

  const results: { bytes: number; paths: PathResult[] }[] = [];
  for (const size of plan.sizes) {
    const state = new Map<HandoffPath, { samples: HandoffSample[]; failure?: string; counts: S3CallCounts }>(
      paths.map((path) => [path, { samples: [], counts: zeroCounts(), failure: brokenBefore.get(path) }]),
    );
    for (let rep = 0; rep < size.repetitions; rep++) {
      for (const path of rep % 2 === 0 ? paths : [...paths].reverse()) {
        const s = state.get(path)!;
        if (s.failure !== undefined) continue;
        step(`${(size.bytes / 2 ** 20).toFixed(0)} MiB #${rep + 1}/${size.repetitions}: ${path.side.label}`);
        const before = { ...path.counts };
        try {
          s.samples.push(await runHandoff(path, size.bytes, size.timeoutMs));
          addDelta(s.counts, before, path.counts);
        } catch (err) {
          s.failure = describeFailure(err);
          step(`  failed: ${s.failure}`);
        }
      }
    }
    const finish = (path: HandoffPath): PathResult => {
      const s = state.get(path)!;
      const runs = s.samples.length;
      return {
        samples: s.samples,
        ...(s.failure !== undefined && { failure: s.failure }),
        ...(runs > 0 && { s3PerRun: perRun(s.counts, runs) }),
      };
    };
    results.push({ bytes: size.bytes, paths: paths.map(finish) });
  }
  return results;
}

async function runHandoff(path: HandoffPath, bytes: number, timeoutMs: number): Promise<HandoffSample> {
  const { side } = path;
  const nonce = randomBytes(NONCE_BYTES).toString('hex');
  // Computed before the clock starts; it also fills the size's random pool the first time.
  const expected = sha256Hex(largePayload(bytes, nonce));
  const workflowId = `bench-large-${side.taskQueue}-${nonce}`;
  const started = performance.now();
  const handle = await side.client.workflow.start<typeof largeHandoff>('largeHandoff', {
    taskQueue: side.taskQueue,
    workflowId,
    args: [bytes, nonce],
  });
  const result = await withTimeout(handle, timeoutMs);
  const endToEndMs = performance.now() - started;
  if (result.length !== bytes || result.sha256 !== expected) {
    throw new Error(`${workflowId}: consumer got ${result.length} bytes sha256 ${result.sha256}, expected ${bytes} / ${expected}`);
  }
  if (result.workflowSawRef !== path.expectRef) {
    throw new Error(`${workflowId}: the workflow ${result.workflowSawRef ? 'held an XComRef' : 'held the bytes'}, not what ${side.label} should do`);
  }
  const { activities } = await workflowTimings(side.client, workflowId);
  const [produce, consume] = activities;
  if (!produce || !consume) throw new Error(`${workflowId}: expected two activities in history`);
  return {
    endToEndMs,
    produceMs: produce.totalMs,
    handoffMs: consume.gapBeforeMs,
    consumeMs: consume.totalMs,
    produceDispatchMs: produce.dispatchMs,
    consumeDispatchMs: consume.dispatchMs,
  };
}

/** The result, or after `timeoutMs` the last failure the history recorded (the run is terminated). */
async function withTimeout(handle: WorkflowHandle<typeof largeHandoff>, timeoutMs: number): Promise<Awaited<ReturnType<typeof largeHandoff>>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const outcome = await Promise.race([handle.result(), timedOut]);
    if (outcome !== 'timeout') return outcome;
  } finally {
    clearTimeout(timer);
  }
  const last = await lastFailureInHistory(handle).catch(() => undefined);
  await handle.terminate('bench timeout').catch(() => undefined);
  throw new Error(`no result after ${(timeoutMs / 1000).toFixed(0)} s${last ? `; last failure in history: ${last}` : ''}`);
}

async function lastFailureInHistory(handle: WorkflowHandle): Promise<string | undefined> {
  const history = await handle.fetchHistory();
  let last: string | undefined;
  for (const event of history.events ?? []) {
    const failure = event.workflowTaskFailedEventAttributes?.failure ?? event.activityTaskFailedEventAttributes?.failure;
    if (failure?.message) last = failure.message;
  }
  return last;
}

function describeFailure(err: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = err; e instanceof Error && messages.length < 4; e = e.cause) {
    if (e.message && !messages.includes(e.message)) messages.push(e.message);
  }
  return (messages.length > 0 ? messages.join(' ← ') : String(err)).replace(/\s+/g, ' ').slice(0, 400);
}

function addDelta(into: S3CallCounts, before: S3CallCounts, after: S3CallCounts): void {
  for (const k of Object.keys(into) as (keyof S3CallCounts)[]) into[k] += after[k] - before[k];
}

function perRun(total: S3CallCounts, runs: number): S3CallCounts {
  const out = zeroCounts();
  for (const k of Object.keys(out) as (keyof S3CallCounts)[]) out[k] = total[k] / runs;
  return out;
}
