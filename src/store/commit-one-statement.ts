import { readColumns } from '../audit/audited-read';
import { asArray, type ByteaArray } from './bytea-array-param';
import { entryParamColumns, isoOrNull, type AttemptGroup, type CommitOutcome } from './commit-statement';

const PARAMS = 24;

/**
 * The commit of a single attempt: one call of the schema's `commit_attempt` (sql/000014_commit_one_attempt.sql), the
 * same effects as `commit_attempts` for one attempt with scalar parameters and simpler statements (about 0.6-0.7x its
 * server time). For attempts {@link commitsAlone} accepts.
 */
export function commitOneStatement(schema: string): string {
  const params = Array.from({ length: PARAMS }, (_, i) => `$${i + 1}`).join(', ');
  return `select won, written, superseded, notified, refusal from ${schema}.commit_attempt(${params})`;
}

/**
 * Whether a batch is one attempt `commit_attempt` can commit: it declares no exclusive key and consumes nothing (those
 * need `commit_attempts`' exclusive locks and version checks).
 */
export function commitsAlone(groups: readonly AttemptGroup[]): groups is readonly [AttemptGroup] {
  if (groups.length !== 1) return false;
  const [group] = groups;
  return (group!.consumes?.length ?? 0) === 0 && (group!.exclusive?.size ?? 0) === 0;
}

/** `commit_attempt`'s parameters, in order (`byteaArray` as in `commitParams`). */
export function commitOneParams(group: AttemptGroup, byteaArray: ByteaArray = asArray): unknown[] {
  return [
    group.instance.dagId,
    group.instance.runId,
    group.instance.taskId,
    group.instance.mapIndex,
    group.attempt,
    group.fence,
    group.temporalRunId ?? null,
    group.activityType ?? null,
    isoOrNull(group.logicalDate),
    ...entryParamColumns(group.entries, byteaArray),
    ...readColumns(group.reads ?? []),
  ];
}

export interface CommitOneRow {
  won: boolean;
  written: boolean[];
  superseded: number;
  notified: number;
  refusal: string | null;
}

/** The row of `commit_attempt` as the outcome of a one-attempt `commit_attempts` call. */
export function commitOneOutcome(row: CommitOneRow): CommitOutcome {
  return { won: [row.won], written: row.written, superseded: [row.superseded], notified: row.notified, refusals: [row.refusal] };
}
