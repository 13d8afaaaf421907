// Sandbox code: may import only @temporalio/workflow and src/common.
import {
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  proxyLocalActivities,
  setHandler,
  uuid4,
  type sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { XComActivities } from '../common/xcom-activities';
import { currentDagRun } from './dag-run';
import { optIntoXCom } from './record-scope';
import {
  XCOM_AVAILABLE_SIGNAL,
  type WaitForXComResult,
  type WaitForXComTarget,
  type XComAvailable,
} from '../common/xcom-wait';

/** A Temporal duration: milliseconds, or a string such as `'10 minutes'`. */
type Duration = Parameters<typeof sleep>[0];

export type { FoundXCom, WaitForXComResult, WaitForXComTarget, XComWaitTimedOut } from '../common/xcom-wait';

export interface WaitForXComOptions {
  /** How long to wait (`'10 minutes'`, or milliseconds). Required: a wait never hangs. */
  readonly timeout: Duration;
}

const xcomActivities = proxyLocalActivities<XComActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 seconds' },
});

/** How long a signal the delivery loop reports delivered may take to reach the workflow. */
const SIGNAL_IN_FLIGHT = '1 minute';

const available = defineSignal<[XComAvailable]>(XCOM_AVAILABLE_SIGNAL);

// Per workflow execution (module state): the first signal of each wait. A signal may arrive twice (the outbox
// delivers at least once); later ones for the same wait are ignored.
const arrived = new Map<string, XComAvailable>();
let handlerInstalled = false;

function installHandler(): void {
  if (handlerInstalled) return;
  handlerInstalled = true;
  setHandler(available, (message) => {
    if (!arrived.has(message.waitId)) arrived.set(message.waitId, message);
  });
}

/**
 * Waits for an XCom of another DAG (or of this one): `await waitForXCom({ dagId: 'a', taskId: 'extract' },
 * { timeout: '1 hour' })`. With `runId`, the XCom of that run; without, of any run — the newest existing one by
 * logical date, else the next one committed (`minLogicalDate` narrows it to runs at or after a date).
 *
 * Registering the wait and checking for an existing entry happen in one transaction, and the producer's commit
 * writes the wake-up into an outbox in the same transaction as the entry, so no commit is missed in between. The
 * value comes back as pulls return it: the value itself, or an `XComRef` at or above the history threshold.
 * On timeout the result is `{ found: false, timedOut: true }`; nothing throws because nothing came.
 */
export async function waitForXCom<T = unknown>(
  target: WaitForXComTarget,
  options: WaitForXComOptions,
): Promise<WaitForXComResult<T>> {
  if (options?.timeout === undefined) {
    throw new TypeError('waitForXCom needs { timeout }: a wait must not hang forever');
  }
  optIntoXCom();
  installHandler();
  const minLogicalDate = target.minLogicalDate instanceof Date ? target.minLogicalDate.toISOString() : target.minLogicalDate;
  const request = { ...target, ...(minLogicalDate !== undefined && { minLogicalDate }) };
  for (;;) {
    const outcome = await waitOnce(request, options.timeout);
    // `undefined`: the announced entry was deleted before it could be read (a cleanup raced the wait); wait again.
    if (outcome) return outcome as WaitForXComResult<T>;
  }
}

async function waitOnce(target: WaitForXComTarget, timeout: Duration): Promise<WaitForXComResult | undefined> {
  const info = workflowInfo();
  const waitId = uuid4();
  const registered = await xcomActivities.__xcom_subscribe({
    waitId,
    namespace: info.namespace,
    workflowId: info.workflowId,
    workflowRunId: info.runId,
    readerDagId: currentDagRun().dagId,
    target,
    timeout,
  });
  if (registered.found) return registered;
  let signalled: boolean;
  try {
    signalled = await condition(() => arrived.has(waitId), timeout);
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => xcomActivities.__xcom_unsubscribe({ waitId }));
    throw err;
  }
  if (!signalled) {
    const { delivered } = await xcomActivities.__xcom_unsubscribe({ waitId });
    // Delivered before the timeout took effect: the signal is in history and comes with a later activation.
    const late = delivered && (await condition(() => arrived.has(waitId), SIGNAL_IN_FLIGHT));
    if (!late && !arrived.has(waitId)) return { found: false, timedOut: true };
  }
  const read = await xcomActivities.__xcom_read_available(arrived.get(waitId)!.ref, currentDagRun().dagId);
  return read.found ? read : undefined;
}
