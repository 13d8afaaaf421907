import { readColumns, type AuditedRead } from '../audit/audited-read';
import type { ConsumedVersion, ExclusiveDeclaration } from './exclusive/exclusive-declaration';
import { asArray, type ByteaArray } from './bytea-array-param';
import type { ResolvedIdentity } from './identity';
import type { KeepUntil } from './retention/retention-class';

/** One row ready to upsert: its key, and the stored form of its value. */
export interface PreparedEntry {
  readonly identity: ResolvedIdentity;
  readonly sizeBytes: number;
  readonly storedBytes: number;
  readonly digest: string;
  readonly encoding: string;
  readonly inlineValue: Buffer | null;
  readonly objectKey: string | null;
  /** How long it outlives its run's retention (null: it does not). */
  readonly keepUntil: KeepUntil;
}

/** Who wrote an entry or a set of entries. */
export interface Lineage {
  readonly attempt: number;
  readonly fence: number;
  readonly temporalRunId?: string | null;
  readonly activityType?: string | null;
  readonly logicalDate?: Date | null;
}

/** Everything one attempt publishes: the whole key set of its task instance (possibly empty). */
export interface AttemptGroup extends Lineage {
  readonly instance: Omit<ResolvedIdentity, 'key'>;
  readonly entries: readonly PreparedEntry[];
  /** The entry versions it read, for the audit trail. @default none */
  readonly reads?: readonly AuditedRead[];
  /** Per key it writes: the exclusivity declared with the entry (stored with it). @default none */
  readonly exclusive?: ReadonlyMap<string, ExclusiveDeclaration>;
  /** The entry versions it consumed: removed by its commit, or the attempt is refused. @default none */
  readonly consumes?: readonly ConsumedVersion[];
}

/** What `commit_attempts` reports, in the order of its input. */
export interface CommitOutcome {
  /** Per attempt: whether its claim won (false: a newer attempt owns the instance; nothing was written). */
  won: boolean[];
  /** Per entry, attempts in order: whether it became the visible value. */
  written: boolean[];
  /** Per attempt: keys removed because the winning owner did not write them. */
  superseded: number[];
  /** Cross-DAG subscribers woken. */
  notified: number;
  /** Per attempt: null, or why it was refused (JSON; nothing of it was committed). */
  refusals?: (string | null)[];
}

const PARAMS = 36;

/**
 * The commit of attempts: one call of the schema's `commit_attempts` (sql/000003_task_instance_ownership.sql; the
 * reads it audits: sql/000007_audit.sql; exclusive keys and consumes: sql/000009_exclusive.sql).
 */
export function commitStatement(schema: string): string {
  const params = Array.from({ length: PARAMS }, (_, i) => `$${i + 1}`).join(', ');
  return `select won, written, superseded, notified, refusals from ${schema}.commit_attempts(${params})`;
}

/**
 * The arrays `commit_attempts` takes, in parameter order; `byteaArray` gives the inline values' parameter its form
 * for the engine (src/store/bytea-array-param.ts).
 */
export function commitParams(attempts: readonly AttemptGroup[], byteaArray: ByteaArray = asArray): unknown[] {
  const attempt = <T>(pick: (a: AttemptGroup) => T): T[] => attempts.map(pick);
  const entries = attempts.flatMap((a, i) => a.entries.map((entry) => ({ entry, attempt: i + 1 })));
  const reads = attempts.flatMap((a, i) => (a.reads ?? []).map((read) => ({ read, attempt: i + 1 })));
  const declared = attempts.flatMap((a) => a.entries.map((e) => a.exclusive?.get(e.identity.key)));
  const consumes = attempts.flatMap((a, i) => (a.consumes ?? []).map((version) => ({ version, attempt: i + 1 })));
  const consumed = <T>(pick: (c: ConsumedVersion) => T): T[] => consumes.map((c) => pick(c.version));
  return [
    attempt((a) => a.instance.dagId),
    attempt((a) => a.instance.runId),
    attempt((a) => a.instance.taskId),
    attempt((a) => a.instance.mapIndex),
    attempt((a) => a.attempt),
    attempt((a) => a.fence),
    attempt((a) => a.temporalRunId ?? null),
    attempt((a) => a.activityType ?? null),
    attempt((a) => isoOrNull(a.logicalDate)),
    entries.map((e) => e.attempt),
    ...entryParamColumns(entries.map((e) => e.entry), byteaArray),
    reads.map((r) => r.attempt),
    ...readColumns(reads.map((r) => r.read)),
    declared.map((d) => d?.writer ?? null),
    declared.map((d) => (d?.readers ? JSON.stringify(d.readers) : null)),
    consumes.map((c) => c.attempt),
    consumed((c) => c.dagId),
    consumed((c) => c.runId),
    consumed((c) => c.taskId),
    consumed((c) => c.mapIndex),
    consumed((c) => c.key),
    consumed((c) => c.digest),
    consumed((c) => c.fence),
  ];
}

/** The entry arrays both commit functions take, in their order: key, sizes, digest, encoding, value, object, retention. */
export function entryParamColumns(entries: readonly PreparedEntry[], byteaArray: ByteaArray): unknown[] {
  const entry = <T>(pick: (e: PreparedEntry) => T): T[] => entries.map(pick);
  return [
    entry((e) => e.identity.key),
    entry((e) => e.sizeBytes),
    entry((e) => e.storedBytes),
    entry((e) => e.digest),
    entry((e) => e.encoding),
    byteaArray(entry((e) => e.inlineValue)),
    entry((e) => e.objectKey),
    entry((e) => e.keepUntil),
  ];
}

/** An attempt's group of entries of one task instance (all entries must share it; `instance` when there are none). */
export function attemptGroup(
  entries: readonly PreparedEntry[],
  lineage: Lineage,
  instance: Omit<ResolvedIdentity, 'key'> | undefined = entries[0]?.identity,
  reads: readonly AuditedRead[] = [],
  exclusivity: Pick<AttemptGroup, 'exclusive' | 'consumes'> = {},
): AttemptGroup {
  if (!instance) throw new Error('attemptGroup: an empty attempt needs its task instance');
  const { dagId, runId, taskId, mapIndex } = instance;
  return { ...lineage, instance: { dagId, runId, taskId, mapIndex }, entries, reads, ...exclusivity };
}

/** ISO text: a Date from another realm (a test sandbox) is not recognised by every driver's array serializer. */
export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
