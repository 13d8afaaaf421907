// Pure module: what the DAG runner puts in activity arguments in place of values. The activity interceptor turns
// each back into a value before the task runs, so workflow history holds only these small descriptions.
import type { XComRef } from './xcom-ref';

/** One entry read at run time: a key other than `return_value`, whose content the runner never saw. */
export interface XComLookup {
  readonly $xcomLookup: 1;
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly key: string;
  /** Missing → the task fails with XComNotFound (Airflow's rule for a custom key of a task without `multiple_outputs`); else null. */
  readonly mustExist?: true;
}

/** All mapped results of a task under a key, as a list in map-index order (instances with no value drop out). */
export interface XComSequenceRef {
  readonly $xcomSeq: 1;
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly key: string;
}

/**
 * Where a mapped task instance's item comes from. Zips and concatenations are taken apart in the workflow, per
 * instance, so each instance's argument stays small whatever the input's length.
 */
export type ItemSource =
  | { readonly kind: 'literal'; readonly items: readonly unknown[] }
  | { readonly kind: 'value'; readonly ref: XComRef }
  | { readonly kind: 'lookup'; readonly lookup: XComLookup }
  | { readonly kind: 'sequence'; readonly sequence: XComSequenceRef }
  | { readonly kind: 'map'; readonly dagId: string; readonly fnId: number; readonly source: ItemSource };

/** Item `index` of a mapped task's input; `merge` holds fixed fields for `partial(...).expandKwargs(...)`. */
export interface XComItemRef {
  readonly $xcomItem: 1;
  readonly source: ItemSource;
  readonly index: number;
  readonly merge?: Readonly<Record<string, unknown>>;
  /** An `expandKwargs` item: it must be an object, or this instance fails (Airflow: "expand_kwargs() expects a list[dict]"). */
  readonly kwargs?: true;
}

export function isXComLookup(value: unknown): value is XComLookup {
  return typeof value === 'object' && value !== null && (value as { $xcomLookup?: unknown }).$xcomLookup === 1;
}

export function isXComSequenceRef(value: unknown): value is XComSequenceRef {
  return typeof value === 'object' && value !== null && (value as { $xcomSeq?: unknown }).$xcomSeq === 1;
}

export function isXComItemRef(value: unknown): value is XComItemRef {
  return typeof value === 'object' && value !== null && (value as { $xcomItem?: unknown }).$xcomItem === 1;
}
