import type { Client } from '@temporalio/client';
import { XComConfigError } from '../errors';
import type { XComRef } from '../common/xcom-ref';
import { backoffMs, deliver, type RetryBackoff } from './deliver';
import { OUTBOX_CHANNEL, type SubscriptionStore } from './subscription-store';
import { Waker } from './waker';

export interface DeliveryOptions {
  /** LISTEN for commits that woke a subscription (Postgres, or the embedded store in its own process). Turn it off
   * behind a connection pooler that cannot LISTEN; polling still delivers. @default true */
  readonly listen?: boolean;
  /** Look for due outbox rows at least this often. @default 1000 while listening, 250 otherwise */
  readonly pollIntervalMs?: number;
  /** How long a claimed row stays reserved for the loop that claimed it (if that loop dies, another takes the row
   * after this). @default 30_000 */
  readonly leaseMs?: number;
  /** Rows claimed per round trip; they are signalled concurrently. @default 50 */
  readonly batchSize?: number;
  /** Retry backoff after a failed signal. @default 200 ms doubling up to 60 s */
  readonly backoff?: RetryBackoff;
  /** Ended subscriptions (and their outbox rows) are deleted this long after they ended. @default 7 days */
  readonly retentionMs?: number;
}

export interface DeliveryLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

const MAINTENANCE_EVERY_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The transactional outbox's delivery side, one per running worker: claims due outbox rows of its namespace,
 * signals each waiting workflow with its XComRef, and records delivered / skipped / abandoned / retry. Woken by
 * NOTIFY when it can listen, and by a poll timer always (a missed notification only delays delivery). Expired
 * subscriptions are cancelled and old ones pruned once a minute.
 */
export class DeliveryLoop {
  readonly #open: () => Promise<SubscriptionStore>;
  readonly #client: Client;
  readonly #namespace: string;
  readonly #options: DeliveryOptions;
  readonly #log: DeliveryLogger;
  readonly #sign: (ref: XComRef) => Promise<XComRef>;
  #running: Promise<void> | undefined;
  #stopped = false;
  readonly #waker = new Waker();
  #lastMaintenance = 0;

  constructor(options: {
    open: () => Promise<SubscriptionStore>;
    client: Client;
    namespace: string;
    delivery?: DeliveryOptions;
    log: DeliveryLogger;
    /** Signs each ref before it is signalled (the worker's key): waiters resolve only signed refs. */
    sign?: (ref: XComRef) => Promise<XComRef>;
  }) {
    this.#sign = options.sign ?? ((ref) => Promise.resolve(ref));
    this.#open = options.open;
    this.#client = options.client;
    this.#namespace = options.namespace;
    this.#options = options.delivery ?? {};
    this.#log = options.log;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Deliver now rather than at the next poll. */
  wake(): void {
    this.#waker.wake();
  }

  /** Stops after the round in flight (signals being sent are awaited). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.wake();
    await this.#running;
  }

  async #run(): Promise<void> {
    let store: SubscriptionStore | undefined;
    let unlisten: (() => Promise<void>) | undefined;
    let listening = false;
    let failures = 0;
    try {
      while (!this.#stopped) {
        try {
          store ??= await this.#open();
          if (!listening && this.#options.listen !== false && store.engine.listen) {
            listening = true; // one try: if LISTEN fails, polling carries on alone
            unlisten = await store.engine.listen(OUTBOX_CHANNEL, () => this.wake()).catch((err: unknown) => {
              this.#log.warn(`temporal-xcom: cannot LISTEN for outbox rows, polling only: ${(err as Error).message}`);
              return undefined;
            });
          }
          await this.#maintain(store);
          await this.#drain(store);
          failures = 0;
          const poll = this.#options.pollIntervalMs ?? (unlisten ? 1000 : 250);
          const due = await store.nextDueInMs(this.#namespace);
          await this.#sleep(Math.min(poll, due ?? poll));
        } catch (err) {
          if (err instanceof XComConfigError) {
            // A backend without subscriptions (a custom XComBackend): nothing to deliver, ever.
            this.#log.debug(`temporal-xcom: outbox delivery off: ${err.message}`);
            return;
          }
          failures += 1;
          this.#log.warn(`temporal-xcom: outbox delivery round failed (${failures} in a row): ${(err as Error).message}`);
          await this.#sleep(backoffMs(failures, { initialMs: 500, maxMs: 30_000 }));
        }
      }
    } finally {
      await unlisten?.().catch(() => undefined);
    }
  }

  async #drain(store: SubscriptionStore): Promise<void> {
    const batch = this.#options.batchSize ?? 50;
    for (;;) {
      this.#waker.clear();
      const rows = await store.claim(this.#namespace, batch, this.#options.leaseMs ?? 30_000);
      await Promise.all(
        rows.map((row) =>
          this.#sign(row.ref)
            .then((ref) => deliver(this.#client, store, { ...row, ref }, this.#options.backoff))
            .catch((err: unknown) => {
              // Recording the outcome failed (the database); the lease hands the row to a later round.
              this.#log.warn(`temporal-xcom: delivering outbox row ${row.id} failed: ${(err as Error).message}`);
            }),
        ),
      );
      if (rows.length < batch || this.#stopped) return;
    }
  }

  async #maintain(store: SubscriptionStore): Promise<void> {
    if (Date.now() - this.#lastMaintenance < MAINTENANCE_EVERY_MS) return;
    this.#lastMaintenance = Date.now();
    await store.expire();
    await store.prune(this.#options.retentionMs ?? 7 * DAY_MS);
  }

  #sleep(ms: number): Promise<void> {
    return this.#stopped ? Promise.resolve() : this.#waker.sleep(ms);
  }
}
