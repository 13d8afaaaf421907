// Pure types shared by the cleanup workflow (sandbox) and the worker's cleanup activities. No imports.

/** What one cleanup run does; every part is optional and runs in this order. */
export interface CleanupPlan {
  /** Purge runs older than this (by logical date, else creation) and entries past their own retention: '7 days'. */
  readonly olderThan?: string | number;
  /** Limit the purge to these DAGs (one id or a list). @default every DAG */
  readonly dagId?: string | readonly string[];
  /** @deprecated use `dagId` */
  readonly dagIds?: readonly string[];
  /** Keep only the newest runs of these DAGs. */
  readonly keepLatestRuns?: readonly { readonly dagId: string; readonly keep: number }[];
  /** Trim ledger rows older than this. @default the purge's `olderThan` */
  readonly ledgerRetention?: string | number;
  /** Collect objects no entry references afterwards. @default true */
  readonly sweepObjects?: boolean;
  /** Runs per transaction. @default 50 */
  readonly batchSize?: number;
  /** Count only; remove nothing. @default false */
  readonly dryRun?: boolean;
}

/** What a step of a cleanup removed (or would remove). */
export interface CleanupStepReport {
  readonly step: 'purge' | 'keepLatestRuns' | 'trimLedger' | 'sweepObjects';
  readonly dagId?: string;
  readonly runs: number;
  readonly entries: number;
  readonly bytes: number;
  readonly ledger: number;
  readonly objects: number;
}

export interface CleanupReport {
  readonly dryRun: boolean;
  readonly steps: readonly CleanupStepReport[];
}

/** The plugin's cleanup activities (each heartbeats its progress). */
export interface CleanupActivities {
  __xcom_cleanup_purge(request: { olderThan: string | number; dagIds?: readonly string[]; batchSize?: number; dryRun?: boolean }): Promise<CleanupStepReport>;
  __xcom_cleanup_keep_latest(request: { dagId: string; keep: number; batchSize?: number; dryRun?: boolean }): Promise<CleanupStepReport>;
  __xcom_cleanup_trim_ledger(request: { olderThan: string | number; dryRun?: boolean }): Promise<CleanupStepReport>;
  __xcom_cleanup_sweep(request: { dryRun?: boolean }): Promise<CleanupStepReport>;
}
