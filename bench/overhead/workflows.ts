// Sandbox code: imports only @temporalio/workflow and ../../src/workflow (activity types are erased).
import { proxyActivities } from '@temporalio/workflow';
import { isXComRef, withTask } from '../../src/workflow';
import type * as activities from './activities';

// One attempt only: a failure must show up as a failed run, not as a slow sample.
const small = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 1 } });
const large = proxyActivities<typeof activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 1 } });

/** `count` small activities one after another; the bench reads their latencies from the history. */
export async function sequentialSmallActivities(count: number): Promise<number> {
  for (let i = 0; i < count; i++) await small.smallResult(i);
  return count;
}

/**
 * `count` small activities one after another, each but the first pulling its upstream's result in the activity
 * (`xcom.pull`), so every task reads one XCom (audited with its commit) and writes one.
 */
export async function pullingSmallActivities(count: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    await withTask({ taskId: `t${i}` }, () => small.pullThenResult(i, i === 0 ? null : `t${i - 1}`));
  }
  return count;
}

export interface LargeHandoffResult extends activities.BytesDigest {
  /** Whether the workflow held an XComRef (the plugin's path) rather than the bytes. */
  readonly workflowSawRef: boolean;
}

/** A large result from one activity passed as the argument of the next, which reports what it received. */
export async function largeHandoff(sizeBytes: number, nonceHex: string): Promise<LargeHandoffResult> {
  const data = await large.produceBytes(sizeBytes, nonceHex);
  const digest = await large.checkBytes(data);
  return { ...digest, workflowSawRef: isXComRef(data) };
}
