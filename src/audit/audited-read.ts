import type { ResolvedIdentity } from '../store/identity';

/** One entry version a task attempt read: its identity and the digest of the content it got. */
export interface AuditedRead extends ResolvedIdentity {
  readonly digest: string;
  /** The first time the attempt read this version (the worker's clock). */
  readonly readAt: Date;
}

/** The attempt that read, for reads recorded outside its commit (a failed attempt's). */
export interface AuditedReader {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly attempt: number;
  readonly fence: number;
}

/** What a failed attempt had read, recorded with its discarded pushes. */
export interface FailedAttemptReads {
  readonly reader: AuditedReader;
  readonly reads: readonly AuditedRead[];
}
