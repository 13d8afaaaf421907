import { pullXCom, type PullCaller, type PullOptions } from '../../pull';
import type { XComBackend } from '../../store/backend';
import type { ConsumedVersion } from '../../store/exclusive/exclusive-declaration';
import { XComIdentityError } from '../../errors';
import type { XComRecord } from '../../store/types';

/** `xcom.consume` options: a pull's, with the producing task(s) named. */
export interface ConsumeOptions extends PullOptions {
  /** The producing task(s): required (a task does not consume its own XComs). */
  readonly taskIds: string | readonly string[];
}

/**
 * Pulls as `xcom.pull` does and notes every entry version the result came from in `consumed`: the attempt's commit
 * removes exactly those versions, or fails the attempt if another consumer got there first (sql/000009_exclusive.sql).
 */
export async function consumeXCom(
  reader: XComBackend,
  caller: PullCaller,
  options: ConsumeOptions,
  consumed: Map<string, ConsumedVersion>,
): Promise<unknown> {
  if (options === null || typeof options !== 'object' || options.taskIds === undefined) {
    throw new XComIdentityError('taskIds', `xcom.consume in task '${caller.taskId}': taskIds is required (the task(s) whose XCom to consume)`);
  }
  const read: XComRecord[] = [];
  const noted = <T extends XComRecord[]>(records: T): T => (read.push(...records), records);
  const capturing: XComBackend = {
    ...reader,
    get: async (identity) => {
      const record = await reader.get(identity);
      if (record) read.push(record);
      return record;
    },
    getMany: async (filter, getOptions) => noted(await reader.getMany(filter, getOptions)),
    mapped: async (scope, range) => noted(await reader.mapped(scope, range)),
  };
  // No overlay of the caller's own pushes: only committed entries can be consumed.
  const value = await pullXCom(capturing, caller, options);
  for (const r of read) {
    const version: ConsumedVersion = { dagId: r.dagId, runId: r.runId, taskId: r.taskId, mapIndex: r.mapIndex, key: r.key, digest: r.digest, fence: r.fence };
    consumed.set(JSON.stringify([r.dagId, r.runId, r.taskId, r.mapIndex, r.key]), version);
  }
  return value;
}
