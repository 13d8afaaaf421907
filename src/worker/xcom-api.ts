import type { Readable } from 'node:stream';
import type { XComRef } from '../common/xcom-ref';
import type { LazyXComSequence, PullOptions } from '../pull';
import type { TypedPull } from '../pull/typed-pull';
import { currentAttempt } from './attempt-scope';
import type { CompressInlineOptions, CompressInlineResult } from '../store/retention/compress-inline';
import type {
  ClearTaskOptions,
  KeepLatestRunsOptions,
  ListRunsOptions,
  PurgeOptions,
  RetentionOptions,
  RetentionResult,
  RunPage,
  TrimLedgerOptions,
} from '../store/retention/types';
import { heartbeating, retentionOf } from './retention-in-activity';
import type { PullStreamOptions, PushOptions } from './task-attempt';
import type { TaskInstance } from './task-instance';
import { refTo, triggerDagRun, type RefOptions, type TriggerDagRunOptions, type TriggeredDagRun } from './trigger-dag-run';

/**
 * XCom operations for activity code, Airflow's `ti.xcom_push` / `ti.xcom_pull`. Valid inside an activity run by a
 * worker with `XComPlugin`.
 */
export const xcom = {
  /**
   * Pushes `value` under `key`; it becomes visible to other tasks when this attempt succeeds.
   * `retention`: how long it lives ('run', 'forever' or a duration such as '7 days'); default the task's.
   */
  push(key: string, value: unknown, options?: PushOptions): void {
    currentAttempt('push').push(key, value, options);
  },
  /** Airflow 3's `xcom_pull`: `taskIds` omitted means this task; a missing value gives `default` (or null). */
  pull: ((options: PullOptions = {}) => currentAttempt('pull').pull(options)) as TypedPull<PullOptions>,
  /**
   * One XCom's value as a stream of bytes (`taskId`, `key`, `mapIndex`, `dagId`, `runId` default to this task's own,
   * map index -1 and `return_value`), or null when there is none. Large raw bytes stream from the object store with
   * flat memory and are verified at the end: a changed object fails the stream instead of ending it.
   */
  async pullStream(options: PullStreamOptions = {}): Promise<Readable | null> {
    return (await currentAttempt('pullStream').pullStream(options))?.stream ?? null;
  },
  /** The mapped results of a task as a lazy sequence ordered by map index (length, at, slice, iteration). */
  pullMapped<T = unknown>(options: { taskId: string; key?: string; dagId?: string; runId?: string }): LazyXComSequence<T> {
    return currentAttempt('pullMapped').pullMapped<T>(options);
  },
  /** A small `XComRef` to a committed XCom (default: of this run), to pass on without copying the value. */
  ref(options: RefOptions): Promise<XComRef> {
    return refTo(currentAttempt('ref'), options);
  },
  /**
   * Airflow's TriggerDagRunOperator: starts (or, on a retry, finds) a run of another DAG with the worker's client —
   * by DAG id (`{ dagId, conf }`, for a DAG registered with the plugin) or by workflow type — passing `conf`
   * (refs in it reach its activities as values), and pushes `trigger_run_id`.
   */
  triggerDagRun(options: TriggerDagRunOptions): Promise<TriggeredDagRun> {
    return triggerDagRun(currentAttempt('triggerDagRun'), options);
  },
  /** Retention from activity code (Airflow's cleanup DAGs): runs older than `olderThan`; heartbeats its progress. */
  purge(options: PurgeOptions): Promise<RetentionResult> {
    const attempt = currentAttempt('purge');
    return retentionOf(attempt.store, 'purge').purge(heartbeating(options));
  },
  /** All but the `keep` newest runs of a DAG; heartbeats its progress. */
  keepLatestRuns(options: KeepLatestRunsOptions): Promise<RetentionResult> {
    const attempt = currentAttempt('keepLatestRuns');
    return retentionOf(attempt.store, 'keepLatestRuns').keepLatestRuns(heartbeating(options));
  },
  /** Every run of a DAG, whatever the retention of its entries; heartbeats its progress. */
  clearDag(dagId: string, options: RetentionOptions = {}): Promise<RetentionResult> {
    return retentionOf(currentAttempt('clearDag').store, 'clearDag').clearDag(dagId, heartbeating(options));
  },
  /** One run whole; heartbeats its progress. */
  clearRun(run: { dagId: string; runId: string }, options: RetentionOptions = {}): Promise<RetentionResult> {
    return retentionOf(currentAttempt('clearRun').store, 'clearRun').clearRun(run, heartbeating(options));
  },
  /** A task's entries in one run (every map index, or one). */
  clearTask(options: ClearTaskOptions): Promise<RetentionResult> {
    return retentionOf(currentAttempt('clearTask').store, 'clearTask').clearTask(options);
  },
  /** Ledger rows older than `olderThan`; heartbeats its progress. */
  trimLedger(options: TrimLedgerOptions): Promise<RetentionResult> {
    return retentionOf(currentAttempt('trimLedger').store, 'trimLedger').trimLedger(heartbeating(options));
  },
  /** Moves large inline values to the object store, compressed, when that stores fewer bytes; heartbeats. */
  compressInline(options: CompressInlineOptions = {}): Promise<CompressInlineResult> {
    const store = retentionOf(currentAttempt('compressInline').store, 'compressInline');
    return store.compressInline(heartbeating(options));
  },
  /** DAG runs newest first, a page at a time. */
  listRuns(options?: ListRunsOptions): Promise<RunPage> {
    return retentionOf(currentAttempt('listRuns').store, 'listRuns').listRuns(options);
  },
  /** The task instance this activity runs as. */
  task(): TaskInstance {
    return currentAttempt('task').task;
  },
};
