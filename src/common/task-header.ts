// Pure module: imported by sandboxed workflow code and by Node code alike. No imports.

/** Temporal header carrying a task's identity from the workflow to the activity. Identity only: headers are not encrypted. */
export const TASK_HEADER = 'xcom-task';

/** What the workflow tells an activity about the task instance it runs. */
export interface TaskHeader {
  readonly v: 1;
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  /** ISO 8601 logical date of the DAG run. */
  readonly logicalDate?: string;
  /** Push each key of an object result as its own XCom as well as `return_value`. */
  readonly multipleOutputs?: boolean;
  /** False: do not record the return value (explicit pushes are still recorded). */
  readonly doXComPush?: boolean;
  /** Return an `XComRef` for any recorded result, whatever its size (the DAG runner keeps only refs in history). */
  readonly returnRef?: boolean;
  /** How long the task's XComs live: 'run', 'forever' or a duration; checked by the worker. */
  readonly retention?: string | number;
}

/** Options a workflow gives one task instance. */
export interface TaskOptions {
  /** The XCom `task_id`. @default the activity type, with `__1`, `__2`… for repeats in the same run */
  readonly taskId?: string;
  /** @default -1 (unmapped) */
  readonly mapIndex?: number;
  /** Airflow's `multiple_outputs`. @default false */
  readonly multipleOutputs?: boolean;
  /** Airflow's `do_xcom_push`. @default true */
  readonly doXComPush?: boolean;
  /** Return an `XComRef` for any recorded result, whatever its size; null when nothing was recorded. @default false */
  readonly returnRef?: boolean;
  /**
   * How long this task's XComs live: `'run'` (as long as the DAG run is kept), `'forever'` (kept by every purge),
   * or a duration (`'7 days'`). `xcom.push(key, value, { retention })` overrides it per key.
   * @default the store's (`XCOM_RETENTION`, else 'run')
   */
  readonly retention?: 'run' | 'forever' | `${number}${string}` | number;
}

/** Activities registered by the plugin itself: never recorded as XComs. */
export const INTERNAL_ACTIVITY_PREFIX = '__xcom_';

export function isInternalActivity(activityType: string): boolean {
  return activityType.startsWith(INTERNAL_ACTIVITY_PREFIX);
}
