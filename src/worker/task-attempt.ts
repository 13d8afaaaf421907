import type { Info } from '@temporalio/activity';
import { ReadLog, recordingReads } from '../audit/read-log';
import { toTemporalJsonShape } from '../codec/temporal-json-shape';
import { entryRef } from '../common/xcom-ref';
import { UNCHECKED_ACCESS, type AttemptAccess } from '../security/attempt-access';
import {
  pendingOverlay,
  pullMapped,
  pullXCom,
  type LazyXComSequence,
  type PendingOverlay,
  type PullCaller,
  type PullOptions,
} from '../pull';
import type { XComBackend } from '../store/backend';
import { XComIdentityError } from '../errors';
import { assertId, MAX_KEY_LENGTH, RETURN_VALUE_KEY } from '../store/identity';
import { assertRetention, type Retention } from '../store/retention/retention-class';
import { isByteSource } from '../store/stream/byte-source';
import { streamEntry } from '../store/stream/stream-entry';
import type { XComStreamRecord } from '../store/types';
import { assertExclusive, type ConsumedVersion, type ExclusiveDeclaration } from '../store/exclusive/exclusive-declaration';
import { consumeXCom, type ConsumeOptions } from './exclusive/consume';
import { assertMayWrite, storedDeclaration } from './exclusive/exclusive-rules';
import { guardedReads } from './exclusive/guarded-reads';
import { resultEntries } from './result-entries';
import { warnShapeChange } from './shape-warnings';
import type { TaskInstance } from './task-instance';

/** Options of one push. */
export interface PushOptions {
  /** How long this XCom lives: 'run', 'forever' or a duration such as '7 days'. @default the task's */
  readonly retention?: Retention;
  /**
   * Exclusive XCom (docs/exclusive-xcoms.md): `writer` (this task's id) makes the key this task's alone in the run;
   * `readers` names the only tasks that may read it. Stored with the entry.
   */
  readonly exclusive?: ExclusiveDeclaration;
}

/** Which entry `xcom.pullStream` reads; each part defaults to the pulling task's own (map index -1, `return_value`). */
export interface PullStreamOptions {
  readonly dagId?: string;
  readonly runId?: string;
  readonly taskId?: string;
  readonly mapIndex?: number;
  readonly key?: string;
}

/**
 * One attempt of one task instance. Pushes stay in memory until the attempt succeeds; then they and the return
 * value are committed in one transaction, fenced by the attempt's scheduled time. A failed attempt publishes nothing.
 */
export class TaskAttempt {
  readonly #pushes = new Map<string, unknown>();
  /** Per-key retention of explicit pushes; the task's own class (from the workflow) covers the rest. */
  readonly #pushRetention = new Map<string, Retention>();
  /** Per-key exclusivity declared on explicit pushes. */
  readonly #pushExclusive = new Map<string, ExclusiveDeclaration>();
  /** The entry versions this attempt consumed: its commit removes them, or fails if one is gone. */
  readonly #consumed = new Map<string, ConsumedVersion>();
  /** The entry versions this attempt read: audited with its commit (or, best effort, when it fails). */
  readonly reads = new ReadLog();
  /** The store as this attempt reads it: every value read is noted in `reads`. */
  readonly reader: XComBackend;

  constructor(
    readonly store: XComBackend,
    readonly task: TaskInstance,
    readonly info: Info,
    readonly historyThresholdBytes: number,
    /** Signs the refs it hands out and checks reads of other DAGs (the worker's security for this activity). */
    readonly access: AttemptAccess = UNCHECKED_ACCESS,
  ) {
    // Read isolation first: a read the task may not make is refused before it is noted.
    this.reader = recordingReads(guardedReads(store, { dagId: task.dagId, taskId: task.taskId }), this.reads);
  }

  get caller(): PullCaller {
    const { dagId, runId, taskId, mapIndex, logicalDate } = this.task;
    return { dagId, runId, taskId, mapIndex, logicalDate };
  }

  /** Records `value` under `key` for this task instance, visible to others once the attempt succeeds. */
  push(key: string, value: unknown, options: PushOptions = {}): void {
    assertId('key', key, MAX_KEY_LENGTH);
    assertMayWrite(this.task, key);
    this.#declareExclusive(key, options.exclusive);
    if (options.retention !== undefined) {
      assertRetention(`xcom.push('${key}') in task '${this.task.taskId}'`, options.retention);
      this.#pushRetention.set(key, options.retention);
    } else {
      this.#pushRetention.delete(key);
    }
    this.#pushes.set(key, value);
  }

  /** Pulls and, when this attempt commits, removes what it pulled (exactly one successful attempt gets each value). */
  consume(options: ConsumeOptions): Promise<unknown> {
    const dagId = options?.dagId ?? this.task.dagId;
    this.access.assertRead(dagId, 'xcom.consume');
    // Consuming removes another task's entry: it needs the right to delete in that DAG.
    this.access.assertDelete(dagId, 'xcom.consume');
    return consumeXCom(this.reader, this.caller, options, this.#consumed);
  }

  pull(options: PullOptions = {}): Promise<unknown> {
    this.access.assertRead(options.dagId ?? this.task.dagId, 'xcom.pull');
    return pullXCom(this.reader, this.caller, options, this.#overlay);
  }

  /** One entry's value as a stream of bytes: this task's `return_value` in this run unless the options say otherwise. */
  pullStream(options: PullStreamOptions = {}): Promise<XComStreamRecord | undefined> {
    const target = {
      dagId: options.dagId ?? this.task.dagId,
      runId: options.runId ?? this.task.runId,
      taskId: options.taskId ?? this.task.taskId,
      mapIndex: options.mapIndex ?? -1,
      key: options.key ?? RETURN_VALUE_KEY,
    };
    this.access.assertRead(target.dagId, 'xcom.pullStream');
    return streamEntry(this.reader, target);
  }

  pullMapped<T = unknown>(options: Parameters<typeof pullMapped>[2]): LazyXComSequence<T> {
    this.access.assertRead(options.dagId ?? this.task.dagId, 'xcom.pullMapped');
    return pullMapped<T>(this.reader, this.caller, options);
  }

  /**
   * Commits the attempt's pushes and result, and returns what the workflow should receive: the result itself, or
   * an `XComRef` when its serialized size reaches the history threshold.
   */
  async complete(result: unknown): Promise<unknown> {
    // Recorded as Temporal would send it: a class instance as its fields, functions dropped (with a warning). A byte
    // stream is stored as its bytes, streamed to the object store; it can only ever reach the workflow as a ref.
    const streamed = isByteSource(result);
    const shaped = streamed ? result : toTemporalJsonShape(result, (change) => warnShapeChange(this.task, change));
    const fromResult = resultEntries(this.task, shaped);
    const values = new Map(this.#pushes);
    for (const [key, value] of fromResult) values.set(key, value);
    // Pushed keys were checked at the push.
    for (const [key] of fromResult) assertMayWrite(this.task, key);
    // Always committed, even with nothing to publish: the attempt claims its task instance, and keys an earlier
    // attempt or run of the same task id left behind are removed (Airflow clears them when a try starts).
    const { dagId, runId, taskId, mapIndex, logicalDate } = this.task;
    const outcome = await this.store.commitAttempt({
      dagId,
      runId,
      taskId,
      mapIndex,
      values,
      attempt: this.info.attempt,
      fence: this.#fence,
      temporalRunId: this.info.workflowExecution?.runId,
      activityType: this.info.activityType,
      logicalDate,
      retention: this.task.retention,
      keyRetention: this.#pushRetention,
      reads: this.reads.list(),
      keyExclusive: this.#exclusiveOf(values.keys()),
      consumes: [...this.#consumed.values()],
    });
    // A DAG task's workflow keeps only refs: a result that was not recorded reaches it as null, as in Airflow.
    const unrecorded = this.task.returnRef || streamed ? null : result;
    const returned = fromResult.length > 0 ? outcome.entries.find((r) => r.identity.key === RETURN_VALUE_KEY) : undefined;
    if (!returned) return unrecorded;
    if (this.task.returnRef || streamed || returned.sizeBytes >= this.historyThresholdBytes) {
      return this.access.sign(entryRef({ ...returned.identity, sizeBytes: returned.sizeBytes, digest: returned.digest }, result));
    }
    return result;
  }

  /** Records the pushes of a failed attempt in the ledger as discarded, and what it read in the audit trail. */
  async discard(): Promise<void> {
    const { dagId, runId, taskId, mapIndex } = this.task;
    const reader = { dagId, runId, taskId, mapIndex, attempt: this.info.attempt, fence: this.#fence };
    await this.store.discard(
      [...this.#pushes.keys()].map((key) => ({
        dagId,
        runId,
        taskId,
        mapIndex,
        key,
        attempt: this.info.attempt,
        fence: this.#fence,
        temporalRunId: this.info.workflowExecution?.runId,
      })),
      { reader, reads: this.reads.list() },
    );
  }

  /** Who this attempt is, in words, for the audit trail of what it deletes. */
  get actorName(): string {
    const { dagId, runId, taskId, mapIndex } = this.task;
    return `${dagId}/${runId}/${taskId}${mapIndex >= 0 ? `[${mapIndex}]` : ''} attempt ${this.info.attempt}`;
  }

  // The attempt's scheduled time grows across retries and across re-runs after a reset: a late zombie attempt
  // can never overwrite what a newer one committed.
  get #fence(): number {
    return this.info.currentAttemptScheduledTimestampMs || this.info.attempt;
  }

  readonly #overlay: PendingOverlay = pendingOverlay(this.#pushes);

  #declareExclusive(key: string, declared: ExclusiveDeclaration | undefined): void {
    if (declared === undefined) return void this.#pushExclusive.delete(key);
    const where = `xcom.push('${key}') in task '${this.task.taskId}'`;
    assertExclusive(where, key, declared);
    if (declared.writer !== undefined && declared.writer !== this.task.taskId) {
      throw new XComIdentityError('exclusive', `${where}: exclusive writer '${declared.writer}' must be the pushing task itself`);
    }
    this.#pushExclusive.set(key, declared);
  }

  /** What is stored with each key written: the push's declaration over the DAG's. */
  #exclusiveOf(keys: Iterable<string>): Map<string, ExclusiveDeclaration> {
    const stored = new Map<string, ExclusiveDeclaration>();
    for (const key of keys) {
      const declared = storedDeclaration(this.task.dagId, key, this.#pushExclusive.get(key));
      if (declared) stored.set(key, declared);
    }
    return stored;
  }
}
