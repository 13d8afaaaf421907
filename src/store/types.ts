import type { Readable } from 'node:stream';
import type { AuditedRead } from '../audit/audited-read';
import type { ResolvedIdentity, XComIdentity } from './identity';
import type { Retention } from './retention/retention-class';
import type { DagIdFilter } from './dag-id-filter';
import type { ConsumedVersion, ExclusiveDeclaration } from './exclusive/exclusive-declaration';

/** One value to record, with who wrote it. */
export interface XComWrite extends XComIdentity {
  readonly value: unknown;
  /**
   * The task attempt that produced the value (Temporal's `activityInfo().attempt`, from 1). A write from an older
   * attempt never replaces one from a newer attempt. Writes from outside a task (tools, tests) use 0.
   */
  readonly attempt: number;
  /**
   * Orders writes to one entry: a write replaces the entry only if its fence is at least the stored one.
   * @default attempt. Tasks pass the attempt's scheduled time in ms, which also orders re-runs after a reset.
   */
  readonly fence?: number;
  /** Temporal run id of the workflow execution (a DAG run survives continue-as-new; this records which run wrote). */
  readonly temporalRunId?: string;
  readonly activityType?: string;
  /** The DAG run's logical date; `includePriorDates` orders by it. Recorded once per run. */
  readonly logicalDate?: Date;
  /** How long the entry lives. @default the store's `defaultRetention` ('run') */
  readonly retention?: Retention;
}

/** A task instance: an entry's identity without its key. */
export type TaskInstanceIdentity = Omit<XComIdentity, 'key'>;

/**
 * Everything one task attempt publishes, committed as the instance's whole key set: the attempt claims the instance
 * (dag, run, task, map index) and, if no newer attempt owns it, replaces every key it had with `values`, in one
 * transaction. An empty `values` still claims the instance and removes what an older attempt or run left.
 */
export interface AttemptCommit extends TaskInstanceIdentity {
  /** Key → value; the attempt's pushes and its return value entries. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Temporal's `activityInfo().attempt`, from 1. */
  readonly attempt: number;
  /** Orders owners: the attempt's scheduled time in ms, which grows across retries and re-runs after a reset. */
  readonly fence: number;
  readonly temporalRunId?: string;
  readonly activityType?: string;
  readonly logicalDate?: Date;
  /** How long the task's entries live. @default the store's `defaultRetention` ('run') */
  readonly retention?: Retention;
  /** Per key, overriding `retention` (a push's own class). */
  readonly keyRetention?: ReadonlyMap<string, Retention>;
  /** The entry versions the attempt read, recorded in the audit trail with the commit. A backend may ignore them. */
  readonly reads?: readonly AuditedRead[];
  /** Per key, the exclusivity declared on its push, stored with the entry (docs/exclusive-xcoms.md). */
  readonly keyExclusive?: ReadonlyMap<string, ExclusiveDeclaration>;
  /**
   * Entry versions the attempt consumed (`xcom.consume`): the commit removes them, or, if one is gone or changed,
   * commits nothing and fails with `XComConsumedError`.
   */
  readonly consumes?: readonly ConsumedVersion[];
}

export interface AttemptCommitResult {
  /** False when a newer attempt already owns the instance: nothing was written (the ledger says `fenced`). */
  readonly won: boolean;
  /** One per value, in the order given; `written` is false for all when the claim lost. */
  readonly entries: readonly SetResult[];
  /** Keys of the previous owner that this attempt did not write, now removed (ledger: `superseded`). */
  readonly superseded: number;
}

/** Everything stored about an entry except its value. */
export interface XComEntryMeta extends ResolvedIdentity {
  readonly attempt: number;
  readonly fence: number;
  readonly temporalRunId: string | null;
  readonly activityType: string | null;
  /** Logical date of the entry's DAG run, or null when the run has none. */
  readonly logicalDate: Date | null;
  /** Serialized size before compression. */
  readonly sizeBytes: number;
  /** Bytes actually stored (after compression). */
  readonly storedBytes: number;
  /** Hex SHA-256 of the serialized value. */
  readonly digest: string;
  /** `json`, `json+gzip`, `bytes`, … */
  readonly encoding: string;
  /** Key in the object store, or null when the value is inline in the row. */
  readonly objectKey: string | null;
  /** Its retention class as stored: `'run'`, `'forever'`, or the time it may be removed. */
  readonly retention: 'run' | 'forever' | Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The task that owns this key in its run (`exclusive: { writer }` on its push), if declared. */
  readonly exclusiveWriter?: string | null;
  /** The only tasks that may read it besides its writer (`exclusive: { readers }` on its push), if declared. */
  readonly exclusiveReaders?: readonly string[] | null;
}

export interface XComRecord<T = unknown> extends XComEntryMeta {
  readonly value: T;
}

/** An entry with its value as a stream of bytes (`getStream`): read it once, to its end, to have it verified. */
export interface XComStreamRecord extends XComEntryMeta {
  readonly stream: Readable;
}

/** Map indexes as one index, a list, or a half-open range `[start, stop)` like Python's `range`. */
export type MapIndexFilter = number | readonly number[] | { readonly start: number; readonly stop: number };

/** Airflow's `get_many` filters. A string filters with `=`, a list with `IN`. */
export interface XComFilter extends DagIdFilter {
  readonly runId?: string;
  readonly taskIds?: string | readonly string[];
  readonly mapIndexes?: MapIndexFilter;
  readonly key?: string;
  /**
   * Also return entries of earlier runs: those whose run's logical date is at or before the cutoff, newest first.
   * The cutoff is `asOf` when given, otherwise the logical date of `runId` in the DAG being read.
   */
  readonly includePriorDates?: boolean;
  /** Cutoff for `includePriorDates`, typically the calling run's logical date when reading another DAG. */
  readonly asOf?: Date;
  /**
   * With `includePriorDates`: only the entries of the newest run that has a match (what a pull reads), in one query.
   * A backend that ignores it returns every prior run's entries, newest first; callers keep the first run's rows.
   */
  readonly newestRunOnly?: boolean;
  readonly limit?: number;
}

export interface GetManyOptions {
  /** Load values (objects are fetched from the object store). @default true */
  readonly values?: boolean;
}

export interface SetResult {
  readonly identity: ResolvedIdentity;
  /** False when a newer attempt's value was already there (the write was fenced). */
  readonly written: boolean;
  /** Serialized size of the value written (what history thresholds compare against). */
  readonly sizeBytes: number;
  readonly digest: string;
}

/** The mapped results of one task under one key in one run: its rows with `map_index >= 0`. */
export interface MappedScope {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly key: string;
}

/**
 * Positions among the rows that exist, by `map_index` ascending: position i is the i-th existing row, so a mapped
 * instance that pushed nothing takes no position (as in Airflow's `LazyXComSequence`).
 */
export interface MappedRange {
  /** @default 0 */
  readonly offset?: number;
  /** @default no limit */
  readonly limit?: number;
}

/** A task, a whole run, or one mapped instance of a task to clear. */
export interface ClearScope {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId?: string;
  readonly mapIndex?: number;
}

/** One line of the attempt ledger: what an attempt wrote and whether it won. */
export interface LedgerRecord extends ResolvedIdentity {
  readonly id: number;
  readonly attempt: number;
  readonly fence: number;
  readonly temporalRunId: string | null;
  readonly digest: string | null;
  readonly sizeBytes: number | null;
  readonly objectKey: string | null;
  /**
   * written: became the visible value; fenced: lost to a newer attempt; superseded: removed because a newer owner of
   * the task instance did not write it; deleted: removed by delete/clear; discarded: pushed by a failed attempt;
   * consumed: removed by the commit of the attempt that consumed it (`xcom.consume`).
   */
  readonly outcome: 'written' | 'fenced' | 'superseded' | 'deleted' | 'discarded' | 'consumed';
  readonly recordedAt: Date;
}

/** What a failed attempt had pushed: recorded in the ledger only, never published. */
export interface DiscardedWrite extends XComIdentity {
  readonly attempt: number;
  readonly fence?: number;
  readonly temporalRunId?: string;
}
