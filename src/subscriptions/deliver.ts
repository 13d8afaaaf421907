import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { XCOM_AVAILABLE_SIGNAL, type XComAvailable } from '../common/xcom-wait';
import { xcomMetrics } from '../telemetry/xcom-metrics';
import type { OutboxDelivery, SubscriptionStore } from './subscription-store';

export type DeliveryOutcome = 'delivered' | 'skipped' | 'abandoned' | 'retry';

export interface RetryBackoff {
  /** @default 200 */
  readonly initialMs?: number;
  /** @default 60_000 */
  readonly maxMs?: number;
}

/**
 * Delivers one claimed outbox row: signals the waiting workflow run with the entry's `XComRef` and records the
 * outcome. A subscription that has ended is skipped; a workflow that is gone (NotFound: completed, terminated, or
 * never existed) abandons the row and closes the subscription; anything else is retried with exponential backoff.
 * Delivering the same row twice is harmless: the waiter keeps the first signal of a wait.
 */
export async function deliver(
  client: Client,
  store: SubscriptionStore,
  row: OutboxDelivery,
  backoff: RetryBackoff = {},
): Promise<DeliveryOutcome> {
  if (row.subscriptionStatus !== 'active') {
    await store.skipped(row, `subscription ${row.subscriptionId} is ${row.subscriptionStatus}`);
    return 'skipped';
  }
  const payload: XComAvailable = { waitId: row.waitId, subscriptionId: row.subscriptionId, outboxId: row.id, ref: row.ref };
  try {
    await client.workflow.getHandle(row.workflowId, row.workflowRunId).signal(XCOM_AVAILABLE_SIGNAL, payload);
  } catch (err) {
    const message = describe(err);
    if (isNotFound(err)) {
      await store.abandoned(row, message);
      return 'abandoned';
    }
    await store.retryLater(row, message, backoffMs(row.attempts, backoff));
    return 'retry';
  }
  await store.delivered(row);
  const metrics = xcomMetrics();
  metrics.outboxDeliveries.add(1);
  metrics.outboxLag.record(row.lagSeconds);
  return 'delivered';
}

/** 200 ms, 400 ms, 800 ms … up to a minute, with ±20% jitter so many rows do not retry in lockstep. */
export function backoffMs(attempts: number, backoff: RetryBackoff = {}): number {
  const initial = backoff.initialMs ?? 200;
  const max = backoff.maxMs ?? 60_000;
  const base = Math.min(max, initial * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function isNotFound(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const e = err as { name?: unknown; code?: unknown };
  // gRPC NOT_FOUND (5), as a client over a NativeConnection may report it.
  return e?.name === 'WorkflowNotFoundError' || e?.code === 5;
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 2000);
}
