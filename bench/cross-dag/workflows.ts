// Workflows bench:cross-dag times: a waitForXCom waiter, and a plain signal waiter as the baseline.
import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import { waitForXCom, type WaitForXComTarget } from '../../src/workflow';

/** Waits for one XCom through the outbox; returns what it got. */
export async function benchXComWaiter(target: WaitForXComTarget): Promise<unknown> {
  const result = await waitForXCom(target, { timeout: '2 minutes' });
  if (!result.found) throw new Error(`bench waiter timed out waiting for ${JSON.stringify(target)}`);
  return result.value;
}

export const pingSignal = defineSignal<[number]>('ping');

/** The baseline: a workflow that waits for a plain signal sent by the client. */
export async function benchSignalWaiter(): Promise<number> {
  let got: number | undefined;
  setHandler(pingSignal, (value) => void (got = value));
  await condition(() => got !== undefined, '2 minutes');
  if (got === undefined) throw new Error('bench signal waiter timed out');
  return got;
}
