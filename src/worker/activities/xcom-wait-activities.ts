import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { FoundXCom, SubscribeRequest, SubscribeResult, XComWaitActivities } from '../../common/xcom-wait';
import { entryRef, type XComRef } from '../../common/xcom-ref';
import type { XComBackend } from '../../store/backend';
import type { XComEntryMeta } from '../../store/types';
import { SubscriptionStore } from '../../subscriptions/subscription-store';
import { resolveWaitTarget } from '../../subscriptions/wait-target';
import { refifyingBackend } from '../refifying-backend';
import type { XComRuntime } from '../runtime';
import { toApplicationFailure } from '../to-application-failure';

/** A subscription outlives its waiter's timeout by this much before the delivery loop cancels it. */
const EXPIRY_GRACE_MS = 60_000;

/** The local activities behind `waitForXCom` (temporal-xcom/workflow). */
export function createXComWaitActivities(runtime: XComRuntime): XComWaitActivities {
  return {
    async __xcom_subscribe(request: SubscribeRequest): Promise<SubscribeResult> {
      try {
        const store = await runtime.store();
        const subscriptions = SubscriptionStore.of(store);
        const target = resolveWaitTarget(request.target);
        const expiresInMs = msToNumber(request.timeout as Duration) + EXPIRY_GRACE_MS;
        for (;;) {
          const registration = await subscriptions.register({
            waitId: request.waitId,
            target,
            subscriber: {
              kind: 'workflow',
              namespace: request.namespace,
              workflowId: request.workflowId,
              workflowRunId: request.workflowRunId,
            },
            expiresInMs,
          });
          if (!registration.found) return { found: false, subscriptionId: registration.subscriptionId };
          const found = await readFound(store, runtime.historyThresholdBytes, registration.found);
          // Deleted between the registration and this read (a cleanup): register again.
          if (found) return found;
        }
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
    async __xcom_unsubscribe(request: { waitId: string }): Promise<{ delivered: boolean }> {
      const status = await SubscriptionStore.of(await runtime.store()).cancel(request.waitId);
      return { delivered: status === 'satisfied' };
    },
    async __xcom_read_available(ref: XComRef): Promise<FoundXCom | { found: false }> {
      const store = await runtime.store();
      const [meta] = await store.getMany(
        { dagIds: ref.dagId, runId: ref.runId, taskIds: ref.taskId, mapIndexes: ref.mapIndex, key: ref.key },
        { values: false },
      );
      return (meta && (await readFound(store, runtime.historyThresholdBytes, meta))) ?? { found: false };
    },
  };
}

/** The entry as a waiting workflow receives it: the value below the history threshold, else a ref. */
async function readFound(store: XComBackend, thresholdBytes: number, meta: XComEntryMeta): Promise<FoundXCom | undefined> {
  const record = await refifyingBackend(store, thresholdBytes).get(meta);
  if (!record) return undefined;
  const ref = entryRef(record, record.value);
  return {
    found: true,
    timedOut: false,
    value: record.value,
    ref,
    dagId: record.dagId,
    runId: record.runId,
    logicalDate: record.logicalDate ? record.logicalDate.toISOString() : null,
  };
}
