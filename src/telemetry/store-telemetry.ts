import type { Attributes } from '@opentelemetry/api';
import type { PreparedEntry } from '../store/commit-statement';
import { SPANS } from './metric-names';
import { secondsSince, xcomMetrics } from './xcom-metrics';
import { inSpan } from './xcom-spans';

/** Where a committed entry's value lives, as the `xcom.location` attribute says it. */
function locationOf(entry: PreparedEntry): Attributes {
  return { 'xcom.location': entry.objectKey === null ? 'inline' : 'object_store' };
}

/** Span attributes naming a task instance (never values or keys' contents). */
export function instanceAttributes(id: { dagId: string; runId: string; taskId: string; mapIndex?: number }): Attributes {
  return { 'xcom.dag_id': id.dagId, 'xcom.run_id': id.runId, 'xcom.task_id': id.taskId, 'xcom.map_index': id.mapIndex ?? -1 };
}

/** A commit in its span, with its duration, what it wrote and what it lost recorded when it succeeds. */
export async function tracedCommit<T extends { written: readonly boolean[]; superseded: number; entries: readonly PreparedEntry[] }>(
  kind: 'attempt' | 'keyed',
  attributes: Attributes,
  commit: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const result = await inSpan(SPANS.commit, { ...attributes, 'xcom.commit.kind': kind }, commit);
  const m = xcomMetrics();
  m.commitDuration.record(secondsSince(started), { 'xcom.commit.kind': kind });
  result.entries.forEach((entry, i) => {
    if (!result.written[i]) return m.fencedWrites.add(1);
    m.commitEntries.add(1, locationOf(entry));
    m.commitBytes.add(entry.sizeBytes, locationOf(entry));
  });
  if (result.superseded > 0) m.supersededWrites.add(result.superseded);
  return result;
}

/** Uploads of one commit in a span; each counts as an offload. */
export async function tracedUploads(count: number, bytes: number, upload: () => Promise<unknown>): Promise<void> {
  await inSpan(SPANS.upload, { 'xcom.objects': count, 'xcom.bytes': bytes }, upload);
  xcomMetrics().offloads.add(count);
}

/** One object download in a span. */
export function tracedDownload<T>(objectKey: string, download: () => Promise<T>): Promise<T> {
  return inSpan(SPANS.download, { 'xcom.object_key': objectKey }, download);
}

/** A read in its span; `found` says how many entries it returned (0: a miss). */
export async function tracedPull<T>(attributes: Attributes, read: () => Promise<T>, found: (result: T) => number): Promise<T> {
  const started = performance.now();
  const result = await inSpan(SPANS.pull, attributes, read);
  const m = xcomMetrics();
  m.pullDuration.record(secondsSince(started));
  m.pulls.add(1, { 'xcom.pull.result': found(result) > 0 ? 'hit' : 'miss' });
  return result;
}

/** Counts what a sweep deleted (a dry run deletes nothing). */
export function countSwept(result: { dryRun: boolean; deleted: number; abandonedUploads: number }): void {
  if (result.dryRun) return;
  const m = xcomMetrics();
  if (result.deleted > 0) m.sweptObjects.add(result.deleted, { 'xcom.sweep.reason': 'unreferenced' });
  if (result.abandonedUploads > 0) m.sweptObjects.add(result.abandonedUploads, { 'xcom.sweep.reason': 'abandoned_upload' });
}

/** Counts the entries a retention operation removed. */
export function countRetention<R extends { dryRun: boolean; entries: number }>(operation: string): (result: R) => R {
  return (result) => {
    if (!result.dryRun && result.entries > 0) {
      xcomMetrics().retentionDeleted.add(result.entries, { 'xcom.retention.operation': operation });
    }
    return result;
  };
}
