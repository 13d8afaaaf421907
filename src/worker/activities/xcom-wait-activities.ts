import { guardedReads } from '../exclusive/guarded-reads';
import { Context } from '@temporalio/activity';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { FoundXCom, SubscribeRequest, SubscribeResult, XComWaitActivities } from '../../common/xcom-wait';
import { entryRef, type XComRef } from '../../common/xcom-ref';
import type { XComBackend } from '../../store/backend';
import type { XComEntryMeta } from '../../store/types';
import { XComAccessDeniedError } from '../../security/security-errors';
import { SubscriptionStore } from '../../subscriptions/subscription-store';
import { resolveWaitTarget } from '../../subscriptions/wait-target';
import { refifyingBackend } from '../refifying-backend';
import type { XComRuntime } from '../runtime';
import type { WorkerSecurity } from '../../security/worker-security';
import { toApplicationFailure } from '../to-application-failure';
import { workflowCaller } from './workflow-caller';

/** A subscription outlives its waiter's timeout by this much before the delivery loop cancels it. */
const EXPIRY_GRACE_MS = 60_000;

/** The local activities behind `waitForXCom` (temporal-xcom/workflow). */
export function createXComWaitActivities(runtime: XComRuntime): XComWaitActivities {
  return {
    async __xcom_subscribe(request: SubscribeRequest): Promise<SubscribeResult> {
      try {
        const { security, info, reader } = await workflowCaller(runtime, request.readerDagId, 'waitForXCom');
        security.assertRead(info, reader, request.target.dagId, 'waitForXCom');
        // The signal goes where the request says: only to the workflow that asked.
        security.assertSubscriber(info, { namespace: request.namespace, workflowId: request.workflowId, workflowRunId: request.workflowRunId });
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
          const found = await readFound(guardedReads(store, { dagId: reader.dagId, taskId: null }), runtime.historyThresholdBytes, security, registration.found);
          // Deleted between the registration and this read (a cleanup): register again.
          if (found) return found;
        }
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
    async __xcom_unsubscribe(request: { waitId: string }): Promise<{ delivered: boolean }> {
      try {
        // Only the workflow execution that registered a wait may end it (Temporal's facts, not the request's).
        const { workflowNamespace: namespace, workflowExecution } = Context.current().info;
        const owner = { namespace: namespace ?? '', workflowId: workflowExecution?.workflowId ?? '', workflowRunId: workflowExecution?.runId ?? '' };
        const status = await SubscriptionStore.of(await runtime.store()).cancelOwn(request.waitId, owner);
        if (status === 'foreign') {
          throw new XComAccessDeniedError(
            '',
            `waitForXCom: workflow '${owner.workflowId}' (run ${owner.workflowRunId}) asks to cancel wait ` +
              `'${request.waitId}', which another workflow registered: a wait is cancelled only by the workflow that waits`,
          );
        }
        return { delivered: status === 'satisfied' };
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
    async __xcom_read_available(ref: XComRef, readerDagId?: string): Promise<FoundXCom | { found: false }> {
      try {
        // The ref came in a signal, which any client can send: only one the delivery loop signed is read.
        const { security, info, reader } = await workflowCaller(runtime, readerDagId, 'waitForXCom');
        security.assertRef(info, reader, ref, 'the signalled ref', 'waitForXCom');
        const store = await runtime.store();
        const [meta] = await store.getMany(
          { dagIds: ref.dagId, runId: ref.runId, taskIds: ref.taskId, mapIndexes: ref.mapIndex, key: ref.key },
          { values: false },
        );
        // Workflow code is no task: it reads no key whose declaration names its readers (docs/exclusive-xcoms.md).
        const guarded = guardedReads(store, { dagId: reader.dagId, taskId: null });
        return (meta && (await readFound(guarded, runtime.historyThresholdBytes, security, meta))) ?? { found: false };
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
  };
}

/** The entry as a waiting workflow receives it: the value below the history threshold, else a ref. */
async function readFound(store: XComBackend, thresholdBytes: number, security: WorkerSecurity, meta: XComEntryMeta): Promise<FoundXCom | undefined> {
  const sign = (ref: XComRef) => security.sign(ref);
  const record = await refifyingBackend(store, thresholdBytes, sign).get(meta);
  if (!record) return undefined;
  const ref = sign(entryRef(record, record.value));
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
