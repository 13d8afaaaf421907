import type { WaitForXComTarget } from '../common/xcom-wait';
import { XComIdentityError } from '../errors';
import { assertId, assertMapIndex, MAX_ID_LENGTH, MAX_KEY_LENGTH, RETURN_VALUE_KEY } from '../store/identity';

/** A validated wait target with every default filled in. */
export interface ResolvedWaitTarget {
  readonly dagId: string;
  readonly taskId: string;
  readonly key: string;
  readonly mapIndex: number;
  /** null: any run. */
  readonly runId: string | null;
  readonly minLogicalDate: Date | null;
}

/** Checks a wait target like an identity (errors name the field) and fills in `key` and `mapIndex`. */
export function resolveWaitTarget(target: WaitForXComTarget): ResolvedWaitTarget {
  if (typeof target !== 'object' || target === null) {
    throw new XComIdentityError('dagId', 'waitForXCom needs a target: { dagId, taskId, key?, runId?, mapIndex? }');
  }
  const key = target.key ?? RETURN_VALUE_KEY;
  const mapIndex = target.mapIndex ?? -1;
  assertId('dagId', target.dagId, MAX_ID_LENGTH);
  assertId('taskId', target.taskId, MAX_ID_LENGTH);
  assertId('key', key, MAX_KEY_LENGTH);
  assertMapIndex(mapIndex);
  if (target.runId !== undefined) assertId('runId', target.runId, MAX_ID_LENGTH);
  let minLogicalDate: Date | null = null;
  if (target.minLogicalDate !== undefined && target.minLogicalDate !== null) {
    minLogicalDate = new Date(target.minLogicalDate);
    if (Number.isNaN(minLogicalDate.getTime())) {
      throw new XComIdentityError('minLogicalDate', `waitForXCom minLogicalDate is not a date: ${String(target.minLogicalDate)}`);
    }
  }
  return { dagId: target.dagId, taskId: target.taskId, key, mapIndex, runId: target.runId ?? null, minLogicalDate };
}

/** `dag/task[map]:key in run …` — how a wait is named in messages. */
export function describeWaitTarget(target: ResolvedWaitTarget): string {
  const map = target.mapIndex >= 0 ? `[${target.mapIndex}]` : '';
  const run = target.runId === null ? 'any run' : `run ${target.runId}`;
  return `[dag=${target.dagId}, task=${target.taskId}${map}, key=${target.key}, ${run}]`;
}
