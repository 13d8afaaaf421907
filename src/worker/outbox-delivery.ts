import { Runtime, type Worker } from '@temporalio/worker';
import { DeliveryLoop } from '../subscriptions/delivery-loop';
import { SubscriptionStore } from '../subscriptions/subscription-store';
import type { XComRuntime } from './runtime';

/**
 * Runs `run` (the worker) with an outbox delivery loop beside it, using the worker's own client and namespace; the
 * loop stops when the worker does. No loop for `delivery: false` or a worker without a connection (replay).
 */
export async function runWithOutboxDelivery(runtime: XComRuntime, worker: Worker, run: () => Promise<void>): Promise<void> {
  const client = worker.client;
  if (runtime.options.delivery === false || !client) return run();
  const logger = Runtime.instance().logger;
  const loop = new DeliveryLoop({
    open: async () => SubscriptionStore.of(await runtime.store()),
    client,
    namespace: worker.options.namespace,
    delivery: runtime.options.delivery,
    sign: async (ref) => (await runtime.security()).sign(ref),
    log: {
      warn: (message, meta) => {
        logger.warn(message, meta);
      },
      debug: (message, meta) => {
        logger.debug(message, meta);
      },
    },
  });
  loop.start();
  try {
    await run();
  } finally {
    await loop.stop();
  }
}
