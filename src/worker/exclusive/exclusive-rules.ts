import type { ExclusiveDeclaration } from '../../store/exclusive/exclusive-declaration';
import { XComExclusiveReaderError, XComExclusiveWriterError } from '../../store/exclusive/exclusive-errors';
import type { XComEntryMeta } from '../../store/types';
import { knownDag } from '../known-dags';

/** Who reads: a task of a DAG, or (taskId null) a DAG's workflow code. */
export interface Reader {
  readonly dagId: string;
  readonly taskId: string | null;
}

/** The declaration of `key` in the DAG `dagId`'s definition, when this worker was given that DAG. */
export function dagDeclaration(dagId: string, key: string): ExclusiveDeclaration | undefined {
  return knownDag(dagId)?.dag.options.exclusive?.[key];
}

/**
 * What is stored with an entry: the push's own declaration over the DAG's, so that workers that were not given the
 * DAG enforce it too.
 */
export function storedDeclaration(dagId: string, key: string, pushed?: ExclusiveDeclaration): ExclusiveDeclaration | undefined {
  const dag = dagDeclaration(dagId, key);
  const writer = pushed?.writer ?? dag?.writer;
  const readers = pushed?.readers ?? dag?.readers;
  if (writer === undefined && readers === undefined) return undefined;
  return { ...(writer !== undefined && { writer }), ...(readers !== undefined && { readers }) };
}

/** Throws unless task `taskId` of `dagId` may write `key`: the DAG names no other owner. (Stored owners: the commit.) */
export function assertMayWrite(task: { dagId: string; runId: string; taskId: string }, key: string): void {
  const owner = dagDeclaration(task.dagId, key)?.writer;
  if (owner !== undefined && owner !== task.taskId) {
    throw new XComExclusiveWriterError(key, owner, task.taskId, `in [dag=${task.dagId}, run=${task.runId}]`);
  }
}

/**
 * Throws unless `reader` may read the entry `meta`: its writer task may; otherwise each declaration present (the one
 * stored with it, the DAG's) must name the reader. Only tasks of the entry's own DAG can be named.
 */
export function assertMayRead(reader: Reader, meta: XComEntryMeta): void {
  if (reader.dagId === meta.dagId && reader.taskId === meta.taskId) return;
  for (const readers of [meta.exclusiveReaders, dagDeclaration(meta.dagId, meta.key)?.readers]) {
    if (!readers) continue;
    if (reader.dagId === meta.dagId && reader.taskId !== null && readers.includes(reader.taskId)) continue;
    const who = reader.taskId === null ? `(workflow code of DAG '${reader.dagId}')` : reader.dagId === meta.dagId ? reader.taskId : `${reader.dagId}.${reader.taskId}`;
    const map = meta.mapIndex >= 0 ? `[${meta.mapIndex}]` : '';
    throw new XComExclusiveReaderError(meta.key, who, readers, `of task '${meta.taskId}${map}' in [dag=${meta.dagId}, run=${meta.runId}]`);
  }
}
