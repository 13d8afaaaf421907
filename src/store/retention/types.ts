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

export interface DagRunSummary {
  readonly dagId: string;
  readonly runId: string;
  readonly logicalDate: Date | null;
  readonly createdAt: Date;
  readonly entries: number;
  readonly bytes: number;
}

export interface RunPage {
  readonly runs: readonly DagRunSummary[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

/** Keeps a store's ledger bounded: rows older than this go (their runs' retention removes the rest). */
export interface TrimLedgerOptions extends Omit<RetentionOptions, 'batchSize'> {
  readonly olderThan: string | number | Date;
  /** Rows per transaction. @default 5000 */
  readonly batchSize?: number;
}
