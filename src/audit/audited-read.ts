import type { ResolvedIdentity } from '../store/identity';

/** One entry version a task attempt read: its identity and the digest of the content it got. */
export interface AuditedRead extends ResolvedIdentity {
  readonly digest: string;
  /** The first time the attempt read this version (the worker's clock). */
  readonly readAt: Date;
}

/**
 * The statement parameters of a list of reads, one array per column (dag, run, task, map index, key, digest, when):
 * what `commit_attempts` and the failed-attempt statement unnest into audit rows.
 */
export function readColumns(reads: readonly AuditedRead[]): unknown[][] {
  const read = <T>(pick: (r: AuditedRead) => T): T[] => reads.map(pick);
  return [
    read((r) => r.dagId),
    read((r) => r.runId),
    read((r) => r.taskId),
    read((r) => r.mapIndex),
    read((r) => r.key),
    read((r) => r.digest),
    read((r) => r.readAt.toISOString()),
  ];
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
