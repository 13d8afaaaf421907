import type { CompressInlineOptions, CompressInlineResult } from './compress-inline';
import type {
  ClearTaskOptions,
  KeepLatestRunsOptions,
  ListRunsOptions,
  PurgeOptions,
  RetentionOptions,
  RetentionResult,
  RunPage,
  TrimLedgerOptions,
} from './types';

/** Retention a backend offers on top of `XComBackend` (the built-in `XComStore` does). */
export interface RetentionBackend {
  purge(options: PurgeOptions): Promise<RetentionResult>;
  keepLatestRuns(options: KeepLatestRunsOptions): Promise<RetentionResult>;
  clearDag(dagId: string, options?: RetentionOptions): Promise<RetentionResult>;
  clearRun(run: { dagId: string; runId: string }, options?: RetentionOptions): Promise<RetentionResult>;
  clearTask(options: ClearTaskOptions): Promise<RetentionResult>;
  trimLedger(options: TrimLedgerOptions): Promise<RetentionResult>;
  listRuns(options?: ListRunsOptions): Promise<RunPage>;
  compressInline(options?: CompressInlineOptions): Promise<CompressInlineResult>;
}

export function isRetentionBackend(value: unknown): value is RetentionBackend {
  const candidate = value as Partial<RetentionBackend> | null;
  return typeof candidate?.purge === 'function' && typeof candidate.listRuns === 'function';
}
