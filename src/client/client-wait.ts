import { randomUUID } from 'node:crypto';
import type { WaitForXComTarget } from '../common/xcom-wait';
import type { XComBackend } from '../store/backend';
import type { XComRecord } from '../store/types';
import { OUTBOX_CHANNEL, SubscriptionStore } from '../subscriptions/subscription-store';
import { resolveWaitTarget } from '../subscriptions/wait-target';
import { Waker } from '../subscriptions/waker';

export interface ClientWaitOptions {
  /** How long to wait before giving up with `{ found: false, timedOut: true }`. */
  readonly timeoutMs: number;
  /** Polls start at 50 ms and back off to this. @default 2000 */
  readonly maxPollIntervalMs?: number;
}

/**
 * What `XComClient.waitFor` found: the whole value (outside a workflow there is no history to protect) and the entry
 * it is. No ref: a client holds no signing key, and workers refuse unsigned refs; start a run with the entry's
 * identity (or the value) instead.
 */
export type ClientWaitResult<T = unknown> =
  | {
      readonly found: true;
      readonly timedOut: false;
      readonly value: T;
      readonly dagId: string;
      readonly runId: string;
      readonly taskId: string;
      readonly mapIndex: number;
      readonly key: string;
      readonly sizeBytes: number;
      readonly digest: string;
      readonly logicalDate: Date | null;
    }
  | { readonly found: false; readonly timedOut: true };

/**
 * Waits outside any workflow: registers a client subscription (so a matching commit NOTIFYs) and checks for an
 * existing entry in one transaction, then re-checks whenever a notification arrives (Postgres) and on a polling
 * backoff (always: the embedded store through another process cannot LISTEN, and notifications can be lost).
 */
export async function waitForXComOutside<T>(
  store: XComBackend,
  target: WaitForXComTarget,
  options: ClientWaitOptions,
): Promise<ClientWaitResult<T>> {
  const subscriptions = SubscriptionStore.of(store);
  const resolved = resolveWaitTarget(target);
  const deadline = Date.now() + options.timeoutMs;
  const waker = new Waker();
  // Listen before registering, so no notification falls between the check and the listening.
  const unlisten = await subscriptions.engine.listen?.(OUTBOX_CHANNEL, () => waker.wake()).catch(() => undefined);
  const waitId = `client-${randomUUID()}`;
  let ended = false;
  try {
    const registration = await subscriptions.register({
      waitId,
      target: resolved,
      subscriber: { kind: 'client' },
      expiresInMs: options.timeoutMs + 60_000,
    });
    ended = registration.found !== undefined;
    let meta = registration.found;
    let interval = 50;
    for (;;) {
      const record = meta && (await store.get(meta));
      if (record) {
        if (!ended) await subscriptions.end(waitId, 'satisfied');
        ended = true;
        return found<T>(record);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { found: false, timedOut: true };
      await waker.sleep(Math.min(interval, remaining));
      interval = Math.min(interval * 2, options.maxPollIntervalMs ?? 2000);
      waker.clear(); // before looking: a notification from here on wakes the next sleep
      meta = await subscriptions.find(resolved);
    }
  } finally {
    if (!ended) await subscriptions.end(waitId, 'cancelled').catch(() => undefined);
    await unlisten?.().catch(() => undefined);
  }
}

function found<T>(record: XComRecord): ClientWaitResult<T> {
  return {
    found: true,
    timedOut: false,
    value: record.value as T,
    dagId: record.dagId,
    runId: record.runId,
    taskId: record.taskId,
    mapIndex: record.mapIndex,
    key: record.key,
    sizeBytes: record.sizeBytes,
    digest: record.digest,
    logicalDate: record.logicalDate,
  };
}
