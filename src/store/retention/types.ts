import type { AuditActor } from '../../audit/audit-actor';

/** What a retention operation removed (or, with `dryRun`, would remove). */
export interface RetentionResult {
  readonly dryRun: boolean;
  /** DAG runs removed whole (their `dag_runs` row too). */
  readonly runs: number;
  /** Entries removed. Their objects are left to the object sweeper. */
  readonly entries: number;
  /** Stored bytes of the entries removed (inline and object store). */
  readonly bytes: number;
  /** Ledger rows removed. */
  readonly ledger: number;
  /** Audit rows removed (`trimLedger` only). */
  readonly audit?: number;
  /** Entries kept because their own retention outlives the run's ('forever', or a longer duration). */
  readonly kept: number;
}

export interface RetentionProgress {
  readonly runs: number;
  readonly entries: number;
  readonly bytes: number;
}

export interface RetentionOptions {
  /** Count what would be removed; remove nothing. @default false */
  readonly dryRun?: boolean;
  /** Runs per transaction: bounds how long any lock is held. @default 50 */
  readonly batchSize?: number;
  /** Called after every batch with the running totals. */
  readonly onProgress?: (progress: RetentionProgress) => void;
  /** Who is deleting, for the audit trail. @default the store's actor */
  readonly actor?: AuditActor;
}

export interface PurgeOptions extends RetentionOptions {
  /** Runs whose logical date (else creation time) is before this go: a duration ('7 days', ms) or a date. */
  readonly olderThan: string | number | Date;
  /** Only these DAGs (one id or a list). @default every DAG */
  readonly dagId?: string | readonly string[];
  /** @deprecated use `dagId`, which takes one id or a list */
  readonly dagIds?: string | readonly string[];
}

export interface KeepLatestRunsOptions extends RetentionOptions {
  readonly dagId: string;
  /** How many of the newest runs (by logical date, else creation time) to keep. */
  readonly keep: number;
}

export interface ClearTaskOptions extends RetentionOptions {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** One mapped instance; @default every map index */
  readonly mapIndex?: number;
}

export interface ListRunsOptions {
  /** @default every DAG */
  readonly dagId?: string;
  /** Runs whose logical date (else creation time) is at or after this. */
  readonly from?: Date;
  /** … and before this. */
  readonly to?: Date;
  /** @default 50, at most 1000 */
  readonly limit?: number;
  /** The `next` cursor of the previous page. */
  readonly after?: string;
}

/** A DAG run as listings show it. */
export interface ListedRun {
  readonly dagId: string;
  readonly runId: string;
  readonly logicalDate: Date | null;
  readonly createdAt: Date;
}

/** A DAG run with what it stores. */
export interface DagRunSummary extends ListedRun {
  /** Entries of the run. */
  readonly entries: number;
  /** Their stored bytes (inline and object store). */
  readonly bytes: number;
}

export interface RunPage<R extends ListedRun = DagRunSummary> {
  readonly runs: readonly R[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

/**
 * Keeps a store's ledger and audit trail bounded: rows older than this go (their runs' retention removes the rest of
 * the ledger; audit rows outlive their runs and go only by age).
 */
export interface TrimLedgerOptions extends Omit<RetentionOptions, 'batchSize'> {
  readonly olderThan: string | number | Date;
  /** Audit rows recorded before this go. @default olderThan */
  readonly auditOlderThan?: string | number | Date;
  /** Rows per transaction. @default 5000 */
  readonly batchSize?: number;
}
