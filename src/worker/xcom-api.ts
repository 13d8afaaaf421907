import type { Readable } from 'node:stream';
import type { XComRef } from '../common/xcom-ref';
import type { LazyXComSequence, PullOptions } from '../pull';
import type { TypedPull } from '../pull/typed-pull';
import { EVERY_DAG } from '../security/attempt-access';
import { currentAttempt } from './attempt-scope';
import type { ConsumeOptions } from './exclusive/consume';
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
import type { PullStreamOptions, PushOptions, TaskAttempt } from './task-attempt';
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
  /**
   * Pulls like `pull` (`taskIds` required) and removes what it got in this attempt's commit: exactly one successful
   * attempt of one consumer gets each value. If another consumer committed first, this attempt commits nothing and
   * fails (retryably); its retry gets `default`/null. A failed attempt leaves the value in place.
   */
  consume: ((options: ConsumeOptions) => currentAttempt('consume').consume(options)) as TypedPull<ConsumeOptions>,
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
    attempt.access.assertDelete(options.dagId ?? options.dagIds, 'xcom.purge');
    return retentionOf(attempt.store, 'purge').purge(heartbeating(byTask(attempt, options)));
  },
  /** All but the `keep` newest runs of a DAG; heartbeats its progress. */
  keepLatestRuns(options: KeepLatestRunsOptions): Promise<RetentionResult> {
    const attempt = currentAttempt('keepLatestRuns');
    attempt.access.assertDelete(options.dagId, 'xcom.keepLatestRuns');
    return retentionOf(attempt.store, 'keepLatestRuns').keepLatestRuns(heartbeating(byTask(attempt, options)));
  },
  /** Every run of a DAG, whatever the retention of its entries; heartbeats its progress. */
  clearDag(dagId: string, options: RetentionOptions = {}): Promise<RetentionResult> {
    const attempt = currentAttempt('clearDag');
    attempt.access.assertDelete(dagId, 'xcom.clearDag');
    return retentionOf(attempt.store, 'clearDag').clearDag(dagId, heartbeating(byTask(attempt, options)));
  },
  /** One run whole; heartbeats its progress. */
  clearRun(run: { dagId: string; runId: string }, options: RetentionOptions = {}): Promise<RetentionResult> {
    const attempt = currentAttempt('clearRun');
    attempt.access.assertDelete(run.dagId, 'xcom.clearRun');
    return retentionOf(attempt.store, 'clearRun').clearRun(run, heartbeating(byTask(attempt, options)));
  },
  /** A task's entries in one run (every map index, or one). */
  clearTask(options: ClearTaskOptions): Promise<RetentionResult> {
    const attempt = currentAttempt('clearTask');
    attempt.access.assertDelete(options.dagId, 'xcom.clearTask');
    return retentionOf(attempt.store, 'clearTask').clearTask(byTask(attempt, options));
  },
  /** Ledger rows older than `olderThan`; heartbeats its progress. */
  trimLedger(options: TrimLedgerOptions): Promise<RetentionResult> {
    const attempt = currentAttempt('trimLedger');
    // The ledger and audit trail of every DAG.
    attempt.access.assertDelete(undefined, 'xcom.trimLedger');
    return retentionOf(attempt.store, 'trimLedger').trimLedger(heartbeating(options));
  },
  /** Moves large inline values to the object store, compressed, when that stores fewer bytes; heartbeats. */
  compressInline(options: CompressInlineOptions = {}): Promise<CompressInlineResult> {
    const attempt = currentAttempt('compressInline');
    attempt.access.assertDelete(options.dagIds, 'xcom.compressInline');
    const store = retentionOf(attempt.store, 'compressInline');
    return store.compressInline(heartbeating(options));
  },
  /** DAG runs newest first, a page at a time. */
  listRuns(options?: ListRunsOptions): Promise<RunPage> {
    const attempt = currentAttempt('listRuns');
    attempt.access.assertRead(options?.dagId ?? EVERY_DAG, 'xcom.listRuns');
    return retentionOf(attempt.store, 'listRuns').listRuns(options);
  },
  /** The task instance this activity runs as. */
  task(): TaskInstance {
    return currentAttempt('task').task;
  },
};

/** Retention options naming the calling task attempt as who deletes (the audit trail). */
function byTask<T extends object>(attempt: TaskAttempt, options: T): T {
  return { ...options, actor: { kind: 'task', name: attempt.actorName } };
}
