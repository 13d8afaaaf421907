// Pure types shared by the sandbox (waitForXCom) and the worker (its local activities and the delivery loop).
import type { XComRef } from './xcom-ref';

/** The signal the delivery loop sends a waiting workflow when the XCom it waits for is committed. */
export const XCOM_AVAILABLE_SIGNAL = '__xcom_available';

/** What a waiter waits for: one XCom of another (or the same) DAG, in one run or in any run. */
export interface WaitForXComTarget {
  readonly dagId: string;
  readonly taskId: string;
  /** @default 'return_value' */
  readonly key?: string;
  /** A run of that DAG (its workflow id). Omitted: any run — the newest existing one by logical date, else the next. */
  readonly runId?: string;
  /** @default -1 (the unmapped task instance) */
  readonly mapIndex?: number;
  /** Only runs whose logical date is at or after this (for example the waiter's own logical date). */
  readonly minLogicalDate?: Date | string;
}

/** Signal payload: small, never the value. */
export interface XComAvailable {
  readonly waitId: string;
  readonly subscriptionId: number;
  readonly outboxId: number;
  readonly ref: XComRef;
}

/** An XCom a wait found: its value (or a ref when it is too large for history) and where it came from. */
export interface FoundXCom<T = unknown> {
  readonly found: true;
  readonly timedOut: false;
  /** The value, or an `XComRef` when its serialized size reaches the history threshold (pass it to an activity). */
  readonly value: T | XComRef;
  /** Always a ref to the entry, whatever its size. */
  readonly ref: XComRef;
  readonly dagId: string;
  readonly runId: string;
  /** ISO 8601 logical date of the producing run, when it has one. */
  readonly logicalDate: string | null;
}

export interface XComWaitTimedOut {
  readonly found: false;
  readonly timedOut: true;
}

/** The result of a wait: found, or timed out. A wait never throws because nothing came. */
export type WaitForXComResult<T = unknown> = FoundXCom<T> | XComWaitTimedOut;

/** `__xcom_subscribe`: registers a workflow's wait and checks for an existing entry, in one transaction. */
export interface SubscribeRequest {
  readonly waitId: string;
  readonly namespace: string;
  readonly workflowId: string;
  readonly workflowRunId: string;
  /** The DAG the waiting workflow runs as (checked by the worker): it reads its own DAG freely. @default its type */
  readonly readerDagId?: string;
  readonly target: WaitForXComTarget;
  /** How long the workflow waits (a Temporal duration: ms or `'10 minutes'`); the subscription expires a little after. */
  readonly timeout: string | number;
}

export type SubscribeResult = FoundXCom | { readonly found: false; readonly subscriptionId: number };

/** The worker side of `waitForXCom`, called as local activities. */
export interface XComWaitActivities {
  __xcom_subscribe(request: SubscribeRequest): Promise<SubscribeResult>;
  /**
   * Ends a wait that timed out or was cancelled. `delivered`: it had been satisfied already, so its signal is in the
   * workflow's history and will arrive.
   */
  __xcom_unsubscribe(request: { readonly waitId: string }): Promise<{ readonly delivered: boolean }>;
  /** The entry a signal announced, as the waiter receives it (value or ref), or not found when it was deleted since. */
  __xcom_read_available(ref: XComRef, readerDagId?: string): Promise<FoundXCom | { readonly found: false }>;
}
