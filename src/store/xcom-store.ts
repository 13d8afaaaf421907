import { CLIENT_ACTOR, type AuditActor } from '../audit/audit-actor';
import type { FailedAttemptReads } from '../audit/audited-read';
import { createValueCodec, type ValueCodec } from '../codec/value-codec';
import type { SqlEngine } from '../engines/sql-engine';
import { DEFAULT_SCHEMA, quoteSchema } from '../migrations/schema-name';
import type { ObjectStore } from '../objects/object-store';
import type { XComBackend } from './backend';
import { byteaArrayFor, type ByteaArray } from './bytea-array-param';
import { attemptGroup, commitParams, commitStatement, type AttemptGroup, type CommitOutcome } from './commit-statement';
import { commitOneOutcome, commitOneParams, commitOneStatement, commitsAlone, type CommitOneRow } from './commit-one-statement';
import { explainCommitFailure } from './commit-failure';
import { refusalError } from './exclusive/commit-refusal';
import { deleteEntries } from './delete-entries';
import { ledgerRecordFromRow, type LedgerRow } from './entry-rows';
import { EntryReader } from './entry-reader';
import { keyedCommitParams, keyedCommitStatement, type KeyedEntry, type KeyedRow } from './keyed-commit-statement';
import { setEntryParams, setEntryStatement, type SetEntryRow } from './set-entry-statement';
import { formatIdentity, resolveIdentity, RETURN_VALUE_KEY, type XComIdentity } from './identity';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from './limits';
import { GroupCommitter } from './group-commit';
import { mapLimited } from './map-limited';
import { DEFAULT_OBJECT_GRACE_MS, ObjectSweeper, type SweepOptions, type SweepResult } from './object-sweeper';
import { setResult, type PlacedEntry } from './prepare-entry';
import { compressInline, type CompressInlineOptions, type CompressInlineResult } from './retention/compress-inline';
import { listRuns } from './retention/list-runs';
import type { RetentionBackend } from './retention/retention-backend';
import { assertRetention, keepUntilFor, type Retention } from './retention/retention-class';
import { RetentionOperations } from './retention/retention-ops';
import type {
  ClearTaskOptions,
  KeepLatestRunsOptions,
  ListRunsOptions,
  PurgeOptions,
  RetentionOptions,
  RetentionResult,
  RunPage,
  TrimLedgerOptions,
} from './retention/types';
import { scopeSql } from './scope-sql';
import { placeValue, type StreamTarget } from './stream/place-stream';
import { streamTarget } from './stream/stream-target';
import { touchObjects } from './touch-objects';
import { assertAttempt, assertFence, assertLogicalDate, assertNoDuplicates } from './write-checks';
import { recordDiscarded } from './record-discarded';
import { countRetention, countSwept, instanceAttributes, tracedCommit, tracedPull, tracedUploads } from '../telemetry/store-telemetry';
import type {
  AttemptCommit,
  AttemptCommitResult,
  ClearScope,
  DiscardedWrite,
  GetManyOptions,
  LedgerRecord,
  MappedRange,
  MappedScope,
  SetResult,
  XComFilter,
  XComRecord,
  XComStreamRecord,
  XComWrite,
} from './types';

export interface XComStoreOptions {
  /** The database: `createPostgresEngine(…)` or the embedded engine. The store closes it on `close()`. */
  readonly engine: SqlEngine;
  /** Where values at or above the inline threshold go. The store closes it on `close()`. */
  readonly objectStore: ObjectStore;
  /** How values become bytes. @default createValueCodec() (JSON with extra types, gzip when it pays) */
  readonly codec?: ValueCodec;
  /** @default 'xcom' */
  readonly schema?: string;
  /** Serialized size at which a value leaves the row for the object store. @default 49152 (48 KiB, Airflow's) */
  readonly inlineThresholdBytes?: number;
  /** Serialized size above which a write fails. @default 536870912 (512 MiB) */
  readonly maxValueBytes?: number;
  /** Parallel object uploads and downloads per call. @default 8 */
  readonly objectConcurrency?: number;
  /**
   * The object sweeper removes objects no entry references once nobody touched them for this long; keep it longer
   * than any upload-to-commit window. @default 21600000 (6 hours)
   */
  readonly objectGraceMs?: number;
  /** How long entries live unless a task or push says otherwise: 'run', 'forever' or a duration. @default 'run' */
  readonly defaultRetention?: Retention;
  /** Who deletes through this store, for the audit trail (retention options may name another). @default client */
  readonly actor?: AuditActor;
}

/**
 * The built-in XCom backend: rows in Postgres (server or embedded), large values in an object store. An object is
 * always written before the row that points to it, and verified by digest whenever it is read.
 */
export class XComStore implements XComBackend, RetentionBackend {
  readonly engine: SqlEngine;
  readonly objectStore: ObjectStore;
  readonly schema: string;
  readonly inlineThresholdBytes: number;
  readonly maxValueBytes: number;
  readonly #codec: ValueCodec;
  readonly #quoted: string;
  /** The commit statements for this schema, built once: they are the hot path and kept prepared under one name. */
  readonly #commitSql: string;
  readonly #commitOneSql: string;
  readonly #keyedSql: string;
  readonly #setSql: string;
  readonly #reader: EntryReader;
  /** How inline values travel in the commit statements' bytea[] parameter on this engine (binary through pg). */
  readonly #byteaArray: ByteaArray;
  readonly #concurrency: number;
  readonly #objectGraceMs: number;
  readonly #defaultRetention: Retention;
  readonly #retention: RetentionOperations;
  readonly #actor: AuditActor;
  /** Concurrent attempt commits of this process share statements (group commit). */
  readonly #committer: GroupCommitter;
  /** Where byte streams go as they arrive (src/store/stream). */
  readonly #streams: StreamTarget;
  #closed = false;

  constructor(options: XComStoreOptions) {
    this.engine = options.engine;
    this.objectStore = options.objectStore;
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    this.#quoted = quoteSchema(this.schema);
    this.#commitSql = commitStatement(this.#quoted);
    this.#commitOneSql = commitOneStatement(this.#quoted);
    this.#keyedSql = keyedCommitStatement(this.#quoted);
    this.#setSql = setEntryStatement(this.#quoted);
    this.#byteaArray = byteaArrayFor(this.engine);
    this.inlineThresholdBytes = options.inlineThresholdBytes ?? DEFAULT_INLINE_THRESHOLD_BYTES;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#codec = options.codec ?? createValueCodec();
    this.#concurrency = options.objectConcurrency ?? 8;
    this.#objectGraceMs = options.objectGraceMs ?? DEFAULT_OBJECT_GRACE_MS;
    this.#defaultRetention = options.defaultRetention ?? 'run';
    this.#actor = options.actor ?? CLIENT_ACTOR;
    this.#retention = new RetentionOperations(this.engine, this.#quoted, this.#actor);
    this.#committer = new GroupCommitter((groups) => this.#commitGroups(groups));
    assertRetention('XComStore defaultRetention', this.#defaultRetention);
    this.#streams = streamTarget(this.engine, this.#quoted, this.objectStore, this.#codec);
    this.#reader = new EntryReader(this.engine, this.#quoted, this.objectStore, this.#codec, this.#concurrency);
  }

  /** One attempt alone (the usual case) through `commit_attempt`; a batch, or exclusive keys, through `commit_attempts`. */
  async #commitGroups(groups: readonly AttemptGroup[]): Promise<CommitOutcome> {
    if (commitsAlone(groups)) {
      const [row] = await this.engine.query<CommitOneRow>(this.#commitOneSql, commitOneParams(groups[0], this.#byteaArray), {
        prepareAs: `xcom_commit_one_${this.schema}`,
      });
      return commitOneOutcome(row!);
    }
    const [outcome] = await this.engine.query<CommitOutcome>(this.#commitSql, commitParams(groups, this.#byteaArray), {
      prepareAs: `xcom_commit_${this.schema}`,
    });
    return outcome!;
  }

  async set(write: XComWrite): Promise<SetResult> {
    const [result] = await this.commit([write]);
    return result!;
  }

  async commit(writes: readonly XComWrite[]): Promise<SetResult[]> {
    if (writes.length === 0) return [];
    const first = writes[0]!;
    return tracedCommit('keyed', { 'xcom.dag_id': first.dagId, 'xcom.entries': writes.length }, () =>
      this.#commitKeyed(writes),
    ).then((done) => done.results);
  }

  async #commitKeyed(writes: readonly XComWrite[]) {
    const checked = writes.map((write) => {
      const identity = resolveIdentity(write);
      assertAttempt(identity, write.attempt);
      const fence = write.fence ?? write.attempt;
      assertFence(identity, fence);
      assertLogicalDate(identity, write.logicalDate);
      const retention = write.retention ?? this.#defaultRetention;
      assertRetention(`XCom ${formatIdentity(identity)}`, retention);
      return { write, identity, fence, keepUntil: keepUntilFor(retention) };
    });
    assertNoDuplicates(checked.map((c) => c.identity));
    const placed = await Promise.all(
      checked.map((c) => placeValue(c.identity, c.write.value, this.#codec, this, this.#streams, c.keepUntil)),
    );
    const keyed: KeyedEntry[] = checked.map(({ write, fence }, i) => ({ ...write, fence, entry: placed[i]!.entry }));
    const written = await this.#withObjects(placed, () => this.#writeKeyed(keyed));
    const results = placed.map(({ entry }, i) => setResult(entry, written[i]!));
    return { results, written, superseded: 0, entries: placed.map((p) => p.entry) };
  }

  /** One entry through set_entry (plans cached per session on either engine), several through the batch statement. */
  async #writeKeyed(keyed: readonly KeyedEntry[]): Promise<boolean[]> {
    const [sql, params, name] =
      keyed.length === 1 ? [this.#setSql, setEntryParams(keyed[0]!), 'set'] : [this.#keyedSql, keyedCommitParams(keyed, this.#byteaArray), 'keyed'];
    const rows = await this.engine.query<SetEntryRow | KeyedRow>(sql, params, { prepareAs: `xcom_${name}_${this.schema}` });
    return rows.map((row) => row.written);
  }

  async commitAttempt(commit: AttemptCommit): Promise<AttemptCommitResult> {
    const done = await tracedCommit('attempt', { ...instanceAttributes(commit), 'xcom.attempt': commit.attempt }, () =>
      this.#commitAttempt(commit),
    );
    return done.result;
  }

  async #commitAttempt(commit: AttemptCommit) {
    const instance = resolveIdentity({ ...commit, key: RETURN_VALUE_KEY });
    assertAttempt(commit, commit.attempt);
    assertFence(commit, commit.fence);
    assertLogicalDate(commit, commit.logicalDate);
    const identities = [...commit.values.keys()].map((key) => resolveIdentity({ ...instance, key }));
    const keepUntil = identities.map((identity) => {
      const retention = commit.keyRetention?.get(identity.key) ?? commit.retention ?? this.#defaultRetention;
      assertRetention(`XCom ${formatIdentity(identity)}`, retention);
      return keepUntilFor(retention);
    });
    const placed = await Promise.all(
      identities.map((identity, i) =>
        placeValue(identity, commit.values.get(identity.key), this.#codec, this, this.#streams, keepUntil[i]),
      ),
    );
    const exclusivity = { exclusive: commit.keyExclusive, consumes: commit.consumes };
    const group = attemptGroup(placed.map((p) => p.entry), commit, instance, commit.reads, exclusivity);
    const outcome = await this.#withObjects(placed, () => this.#committer.submit(group));
    if (outcome.refusal !== null) throw refusalError(outcome.refusal);
    const result: AttemptCommitResult = {
      won: outcome.won,
      entries: placed.map(({ entry }, i) => setResult(entry, outcome.written[i]!)),
      superseded: outcome.superseded,
    };
    return { result, written: outcome.written, superseded: outcome.superseded, entries: placed.map((p) => p.entry) };
  }

  /**
   * Objects first, each announced in `objects` before its upload (so the sweeper leaves it alone), then the commit.
   * A failure leaves any uploaded object to the sweeper: deleting it here could race a writer of the same content.
   */
  async #withObjects<T>(placed: readonly PlacedEntry[], commit: () => Promise<T>): Promise<T> {
    const uploads = placed.filter((p) => p.upload);
    if (uploads.length > 0) {
      await touchObjects(this.engine, this.#quoted, uploads.map((p) => p.entry));
      const bytes = uploads.reduce((sum, p) => sum + p.upload!.length, 0);
      await tracedUploads(uploads.length, bytes, () =>
        mapLimited(uploads, this.#concurrency, (p) => this.objectStore.put(p.entry.objectKey!, p.upload!)),
      );
    }
    try {
      return await commit();
    } catch (err) {
      throw explainCommitFailure(err, this.objectStore.description);
    }
  }

  async get(identity: XComIdentity): Promise<XComRecord | undefined> {
    // Async so that a bad identity rejects the promise rather than throwing at the call.
    const id = resolveIdentity(identity);
    return tracedPull({ ...instanceAttributes(id), 'xcom.key': id.key }, () => this.#reader.get(id), (found) => (found ? 1 : 0));
  }

  /**
   * An entry's value as a stream of bytes, undefined when there is none. Raw bytes in the object store (a streamed
   * value, a large Buffer) stream with flat memory, verified by digest at the end; other values are read whole.
   */
  async getStream(identity: XComIdentity): Promise<XComStreamRecord | undefined> {
    return this.#reader.getStream(resolveIdentity(identity));
  }

  async getMany(filter: XComFilter, options: GetManyOptions = {}): Promise<XComRecord[]> {
    return this.#reader.getMany(filter, options);
  }

  async count(filter: XComFilter): Promise<number> {
    return this.#reader.count(filter);
  }

  async mapped(scope: MappedScope, range: MappedRange = {}): Promise<XComRecord[]> {
    return this.#reader.mapped(scope, range);
  }

  async delete(identity: XComIdentity): Promise<boolean> {
    const id = resolveIdentity(identity);
    const removed = await deleteEntries(
      this.engine,
      this.#quoted,
      'dag_id = $1 and run_id = $2 and task_id = $3 and map_index = $4 and key = $5',
      [id.dagId, id.runId, id.taskId, id.mapIndex, id.key],
      this.#actor,
      ['dag_id', 'run_id', 'task_id', 'map_index', 'key', 'digest'],
    );
    return removed > 0;
  }

  async clear(scope: ClearScope): Promise<number> {
    const { where, params } = scopeSql(scope);
    const named = [scope.taskId !== undefined && 'task_id', scope.mapIndex !== undefined && 'map_index'] as const;
    const auditBy = ['dag_id', 'run_id', ...named.filter((c) => c !== false)] as const;
    return deleteEntries(this.engine, this.#quoted, where, params, this.#actor, auditBy);
  }

  discard(writes: readonly DiscardedWrite[], reads?: FailedAttemptReads): Promise<void> {
    return recordDiscarded(this.engine, this.#quoted, writes, reads);
  }

  async ledger(scope: XComIdentity | ClearScope): Promise<LedgerRecord[]> {
    const { where, params } = scopeSql(scope);
    const rows = await this.engine.query<LedgerRow>(
      `select * from ${this.#quoted}.ledger where ${where} order by id`,
      params,
    );
    return rows.map(ledgerRecordFromRow);
  }

  purge(options: PurgeOptions): Promise<RetentionResult> {
    return this.#retention.purge(options).then(countRetention('purge'));
  }

  keepLatestRuns(options: KeepLatestRunsOptions): Promise<RetentionResult> {
    return this.#retention.keepLatestRuns(options).then(countRetention('keep_latest_runs'));
  }

  clearDag(dagId: string, options?: RetentionOptions): Promise<RetentionResult> {
    return this.#retention.clearDag(dagId, options).then(countRetention('clear_dag'));
  }

  clearRun(run: { dagId: string; runId: string }, options?: RetentionOptions): Promise<RetentionResult> {
    return this.#retention.clearRun(run, options).then(countRetention('clear_run'));
  }

  clearTask(options: ClearTaskOptions): Promise<RetentionResult> {
    return this.#retention.clearTask(options).then(countRetention('clear_task'));
  }

  trimLedger(options: TrimLedgerOptions): Promise<RetentionResult> {
    return this.#retention.trimLedger(options);
  }

  listRuns(options?: ListRunsOptions): Promise<RunPage> {
    return listRuns(this.engine, this.#quoted, options);
  }

  /** Moves large inline values to the object store, compressed, when that stores fewer bytes. */
  compressInline(options?: CompressInlineOptions): Promise<CompressInlineResult> {
    return compressInline(this.engine, this.#quoted, this.objectStore, this.#codec, options);
  }

  /**
   * Collects objects no entry references and nobody touched within the grace period, stored objects that have no
   * row, and abandoned uploads. Safe beside running writers and other sweepers (sql/000003 explains the protocol).
   */
  sweepObjects(options: SweepOptions = {}): Promise<SweepResult> {
    const sweeper = new ObjectSweeper(this.engine, this.#quoted, this.objectStore, this.#concurrency);
    return sweeper.sweep({ graceMs: this.#objectGraceMs, ...options }).then((result) => (countSwept(result), result));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([this.engine.close(), this.objectStore.close()]);
  }
}
