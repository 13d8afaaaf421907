/**
 * What `pullXCom` accepts: Airflow 3's `xcom_pull(task_ids, dag_id, key, include_prior_dates, map_indexes, default,
 * run_id)`, camel-cased. See docs/pull-semantics.md for the result shapes.
 */
export interface PullOptions {
  /**
   * One task id (the result may be a single value) or a list of them (the result is always a list, task-major, in
   * the order given; duplicates repeat). Omitted = the calling task: Airflow 3 pulls are task-scoped.
   */
  readonly taskIds?: string | readonly string[];
  /** @default 'return_value' */
  readonly key?: string;
  /** @default the caller's DAG */
  readonly dagId?: string;
  /** @default the caller's run */
  readonly runId?: string;
  /**
   * Omitted: every map index of each task (an unmapped task gives its value, a mapped one the list of its results).
   * A number or `null` (the unmapped row, `-1`): that one row per task. A list: those rows per task, in that order.
   */
  readonly mapIndexes?: number | null | readonly (number | null)[];
  /** Read the newest run of the DAG at or before the reference run that has the value, instead of this run only. */
  readonly includePriorDates?: boolean;
  /** Returned in place of a missing value. A missing value never throws. @default null */
  readonly default?: unknown;
}

/** The task instance that pulls: whose run and task the defaults refer to. */
export interface PullCaller {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** `-1` for an unmapped task instance. */
  readonly mapIndex: number;
  /** The caller's DAG run logical date: the cutoff for `includePriorDates`. */
  readonly logicalDate?: Date;
}

export type PendingValue = { readonly found: true; readonly value: unknown } | { readonly found: false };

/**
 * Values the calling attempt pushed but has not committed yet, so a task reads its own pushes. An attempt only
 * pushes under its own (dag, run, task, map index), so the overlay is asked by key alone; it is consulted only when
 * a pull reads exactly that task instance.
 */
export interface PendingOverlay {
  lookup(key: string): PendingValue;
}

/** An overlay over an attempt's pending pushes, by key. */
export function pendingOverlay(pending: ReadonlyMap<string, unknown>): PendingOverlay {
  return {
    lookup: (key) => (pending.has(key) ? { found: true, value: pending.get(key) } : { found: false }),
  };
}
