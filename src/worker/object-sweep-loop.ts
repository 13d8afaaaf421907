import { Runtime } from '@temporalio/worker';
import type { SweepResult } from '../store/object-sweeper';
import type { XComRuntime } from './runtime';

export interface ObjectSweepOptions {
  /** How often each worker tries a sweep; one runs at a time across workers (an advisory lock). @default 3_600_000 */
  readonly intervalMs?: number;
  /** Overrides the store's grace period (`XCOM_OBJECT_GRACE`). */
  readonly graceMs?: number;
}

interface Sweepable {
  sweepObjects(options: { graceMs?: number }): Promise<SweepResult>;
}

const DEFAULT_INTERVAL_MS = 60 * 60 * 1000;
/** The first sweep waits a little, so a fleet started together does not list the object store at once. */
const FIRST_SWEEP_MS = 60_000;

/**
 * Runs `run` (the worker) with the object sweeper beside it: the first sweep about a minute after start, then every
 * interval (with jitter). A failed sweep is logged and tried again next time; the loop stops with the worker.
 */
export async function runWithObjectSweeps(runtime: XComRuntime, run: () => Promise<void>): Promise<void> {
  const options = runtime.options.objectSweep;
  if (options === false) return run();
  const intervalMs = options?.intervalMs ?? DEFAULT_INTERVAL_MS;
  const logger = Runtime.instance().logger;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = sweepOnce().finally(() => {
        inFlight = undefined;
        schedule(intervalMs * (0.9 + Math.random() * 0.2));
      });
    }, delayMs);
    timer.unref();
  };
  const sweepOnce = async () => {
    try {
      const store = (await runtime.store()) as Partial<Sweepable>;
      if (typeof store.sweepObjects !== 'function') return; // a custom backend collects its own objects
      const result = await store.sweepObjects({ ...(options?.graceMs !== undefined && { graceMs: options.graceMs }) });
      if (result.deleted > 0 || result.abandonedUploads > 0) {
        logger.info('temporal-xcom: object sweep', {
          deleted: result.deleted,
          deletedBytes: result.deletedBytes,
          orphans: result.orphans,
          abandonedUploads: result.abandonedUploads,
        });
      }
    } catch (err) {
      logger.warn(`temporal-xcom: object sweep failed (retried in the next interval): ${(err as Error).message}`);
    }
  };

  schedule(Math.min(FIRST_SWEEP_MS, intervalMs) * (0.5 + Math.random()));
  try {
    await run();
  } finally {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  }
}
