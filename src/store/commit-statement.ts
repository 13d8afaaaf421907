import type { ResolvedIdentity } from './identity';

/** One row ready to upsert: its key, and the stored form of its value. */
export interface PreparedEntry {
  readonly identity: ResolvedIdentity;
  readonly sizeBytes: number;
  readonly storedBytes: number;
  readonly digest: string;
  readonly encoding: string;
  readonly inlineValue: Buffer | null;
  readonly objectKey: string | null;
}

/**
 * A set of entries of one task instance written together. `owned`: an attempt's commit, which claims the instance
 * and replaces its whole key set, or writes nothing when a newer attempt owns it. Otherwise one keyed write, fenced
 * per key.
 */
export interface WriteGroup {
  readonly instance: Omit<ResolvedIdentity, 'key'>;
  readonly owned: boolean;
  readonly attempt: number;
  readonly fence: number;
  readonly temporalRunId: string | null;
  readonly activityType: string | null;
  readonly logicalDate: Date | null;
  readonly entries: readonly PreparedEntry[];
}

/** What `commit_writes` reports, in the order of its input. */
export interface CommitOutcome {
  /** Per group: whether an owned group's claim won (always false for keyed groups). */
  won: boolean[];
  /** Per entry, groups in order: whether it became the visible value. */
  written: boolean[];
  /** Keys removed because the winning owner did not write them. */
  superseded: number;
  /** Cross-DAG subscribers woken. */
  notified: number;
}

/** The commit: one call of the schema's `commit_writes` (sql/000003_task_instance_ownership.sql explains it). */
export function commitStatement(schema: string): string {
  const params = Array.from({ length: 18 }, (_, i) => `$${i + 1}`).join(', ');
  return `select won, written, superseded, notified from ${schema}.commit_writes(${params})`;
}

/** The arrays `commit_writes` takes, in parameter order. */
export function commitParams(groups: readonly WriteGroup[]): unknown[] {
  const group = <T>(pick: (g: WriteGroup) => T): T[] => groups.map(pick);
  const entries = groups.flatMap((g, i) => g.entries.map((entry) => ({ entry, group: i + 1 })));
  const entry = <T>(pick: (e: PreparedEntry) => T): T[] => entries.map((e) => pick(e.entry));
  return [
    group((g) => g.instance.dagId),
    group((g) => g.instance.runId),
    group((g) => g.instance.taskId),
    group((g) => g.instance.mapIndex),
    group((g) => g.attempt),
    group((g) => g.fence),
    group((g) => g.temporalRunId),
    group((g) => g.activityType),
    // ISO text: a Date from another realm (a test sandbox) is not recognised by every driver's array serializer.
    group((g) => g.logicalDate?.toISOString() ?? null),
    group((g) => g.owned),
    entries.map((e) => e.group),
    entry((e) => e.identity.key),
    entry((e) => e.sizeBytes),
    entry((e) => e.storedBytes),
    entry((e) => e.digest),
    entry((e) => e.encoding),
    entry((e) => e.inlineValue),
    entry((e) => e.objectKey),
  ];
}

/** Lineage of a write group, for callers that build groups themselves (benchmarks, group commit). */
export interface GroupLineage {
  readonly owned: boolean;
  readonly attempt: number;
  readonly fence: number;
  readonly temporalRunId?: string | null;
  readonly activityType?: string | null;
  readonly logicalDate?: Date | null;
}

/** A group of entries of one task instance (all entries must share it). */
export function writeGroup(entries: readonly PreparedEntry[], lineage: GroupLineage): WriteGroup {
  const first = entries[0];
  if (!first) throw new Error('writeGroup: needs at least one entry to know its task instance');
  const { dagId, runId, taskId, mapIndex } = first.identity;
  return {
    instance: { dagId, runId, taskId, mapIndex },
    owned: lineage.owned,
    attempt: lineage.attempt,
    fence: lineage.fence,
    temporalRunId: lineage.temporalRunId ?? null,
    activityType: lineage.activityType ?? null,
    logicalDate: lineage.logicalDate ?? null,
    entries,
  };
}
