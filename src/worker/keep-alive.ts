import type { Context } from '@temporalio/activity';

/** Heartbeat this often relative to the heartbeat timeout: two beats may be late before the timeout hits. */
const BEATS_PER_TIMEOUT = 3;
/** Never more often than this, whatever the timeout: the SDK throttles what reaches the server anyway. */
const MIN_INTERVAL_MS = 100;

type HeartbeatFn = (details?: unknown) => void;

/**
 * Keeps an activity with a heartbeat timeout alive while the interceptor works before and after the task function
 * (resolving refs, uploading and committing a result), which can outlast the timeout on large values. Create it
 * when the attempt starts.
 *
 * Temporal hands the last heartbeat details to the next attempt, so these heartbeats must repeat whatever the task
 * last reported rather than overwrite it: before the task runs, the details this attempt started with; after it,
 * the last details the task sent. The SDK gives no read access to those, so the keeper wraps the context's
 * heartbeat function (which `heartbeat()` and `Context.current().heartbeat()` both call) to remember them.
 * Without a heartbeat timeout, or in a local activity, it does nothing at all.
 */
export class KeepAlive {
  readonly #send: HeartbeatFn | undefined;
  readonly #everyMs: number;
  #details: unknown;
  /** When the last heartbeat (the task's or ours) went out; the server's timer also starts with the attempt. */
  #lastBeatAt = performance.now();

  constructor(context: Context) {
    const { heartbeatTimeoutMs, isLocal } = context.info;
    const heartbeatDetails: unknown = context.info.heartbeatDetails;
    this.#everyMs = Math.max(MIN_INTERVAL_MS, Math.floor((heartbeatTimeoutMs ?? 0) / BEATS_PER_TIMEOUT));
    if (!heartbeatTimeoutMs || isLocal) return;
    this.#details = heartbeatDetails;
    // `heartbeatFn` is the SDK's protected, injected sender; `heartbeat` reads it on every call.
    const holder = context as unknown as { heartbeatFn: HeartbeatFn };
    const send = holder.heartbeatFn;
    // An SDK without it: stay silent rather than overwrite details the task reports.
    if (typeof send !== 'function') return;
    this.#send = send;
    holder.heartbeatFn = (details) => {
      this.#details = details;
      this.#lastBeatAt = performance.now();
      send(details);
    };
  }

  /**
   * Runs `work`, heartbeating every third of the heartbeat timeout until it settles, and at once if the task went
   * that long without one. Work that ends sooner sends nothing: each heartbeat the server sees is a request.
   */
  async during<T>(work: () => Promise<T>): Promise<T> {
    const send = this.#send;
    if (!send) return work();
    const beat = () => {
      this.#lastBeatAt = performance.now();
      send(this.#details);
    };
    if (performance.now() - this.#lastBeatAt >= this.#everyMs) beat();
    const timer = setInterval(beat, this.#everyMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }
}
