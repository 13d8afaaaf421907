// Sandbox code: a task's declared arguments → what the activity is called with. Task outputs become refs, so only
// refs cross history; the activity interceptor turns them back into values.
import type { XComLookup, XComSequenceRef } from '../../common/arg-refs';
import { isPlainObject } from '../../dag/dag-builder';
import { RunValue, runValueOf } from '../../dag/run-value';
import { XComArg } from '../../dag/xcom-arg';
import type { DagRunState } from './dag-run-state';

export interface RunIdentity {
  readonly dagId: string;
  readonly runId: string;
}

/** The stand-in for one task output: the producer's ref, a lookup of another key, or a mapped sequence. */
export function outputReference(arg: XComArg, state: DagRunState, run: RunIdentity): unknown {
  const producer = state.get(arg.taskId);
  if (producer.mapCount !== undefined) {
    const sequence: XComSequenceRef = { $xcomSeq: 1, ...run, taskId: arg.taskId, key: arg.key };
    return sequence;
  }
  if (arg.key === 'return_value') return producer.result ?? null;
  return keyLookup(arg, state, run);
}

/** A key other than `return_value`: missing, it fails the reader (XComNotFound) unless its task has `multipleOutputs`. */
export function keyLookup(arg: XComArg, state: DagRunState, run: RunIdentity): XComLookup {
  const multipleOutputs = state.get(arg.taskId).spec.options.multipleOutputs === true;
  return { $xcomLookup: 1, ...run, taskId: arg.taskId, mapIndex: -1, key: arg.key, ...(!multipleOutputs && { mustExist: true as const }) };
}

/**
 * Replaces every XComArg in `value` (at any depth of arrays and plain objects) with its reference, and every
 * `dag.conf`/`dag.params` value with the run's value.
 */
export function withReferences(value: unknown, state: DagRunState, run: RunIdentity): unknown {
  if (value instanceof XComArg) return outputReference(value, state, run);
  if (value instanceof RunValue) return runValueOf(value, state.runValues);
  if (Array.isArray(value)) return value.map((item) => withReferences(item, state, run));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withReferences(v, state, run)]));
  }
  return value;
}
