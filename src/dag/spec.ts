// Pure module (no imports but src/dag and src/common): the DAG as data, built in workflow code and on workers.
import type { Duration } from '@temporalio/common';
import type { XComArg } from './xcom-arg';

/** Airflow's trigger rules: when a task runs, given the states of its upstream tasks. */
export type TriggerRule =
  | 'all_success'
  | 'all_failed'
  | 'all_done'
  | 'one_success'
  | 'one_failed'
  | 'none_failed'
  | 'none_skipped'
  | 'none_failed_min_one_success'
  | 'always';

export const TRIGGER_RULES: readonly TriggerRule[] = [
  'all_success',
  'all_failed',
  'all_done',
  'one_success',
  'one_failed',
  'none_failed',
  'none_skipped',
  'none_failed_min_one_success',
  'always',
];

/** Airflow's task instance states, as far as a Temporal run has them. */
export type TaskState = 'none' | 'scheduled' | 'running' | 'success' | 'failed' | 'skipped' | 'upstream_failed';

/** Per-task options, Airflow's operator arguments. Durations are milliseconds or strings like '5 minutes'. */
export interface TaskOptions {
  /** @default the activity name (`extract`, then `extract__1`… for repeats) */
  readonly taskId?: string;
  /** Retries after the first try (Airflow's `retries`). @default 0 */
  readonly retries?: number;
  /** Wait before a retry (Airflow's `retry_delay`). @default '5 seconds' */
  readonly retryDelay?: Duration;
  /** Double the delay after each retry (Airflow's `retry_exponential_backoff`). @default false */
  readonly retryExponentialBackoff?: boolean;
  readonly maxRetryDelay?: Duration;
  /** One try's time limit (Airflow's `execution_timeout`). @default '5 minutes' */
  readonly executionTimeout?: Duration;
  readonly heartbeatTimeout?: Duration;
  /** Run on another task queue (Airflow's `queue`). */
  readonly taskQueue?: string;
  /** @default 'all_success' */
  readonly triggerRule?: TriggerRule;
  readonly multipleOutputs?: boolean;
  /** @default true */
  readonly doXComPush?: boolean;
  /**
   * How long the task's XComs live: 'run' (as long as the DAG run is kept), 'forever' (kept by every purge) or a
   * duration ('7 days'). @default the store's (`XCOM_RETENTION`, else 'run')
   */
  readonly retention?: 'run' | 'forever' | `${number}${string}` | number;
  /**
   * A branch task returns the task id(s) to follow (Airflow's `@task.branch`); the direct downstream tasks that do
   * not lead to them are skipped, and the decision is recorded as the XCom `skipmixin_key`.
   */
  readonly branch?: boolean;
  /**
   * Airflow's `@task.short_circuit`: when the task returns a falsy value (Python's truthiness: also `[]`, `{}`), the
   * tasks downstream of it are skipped, recorded as the XCom `skipmixin_key`.
   */
  readonly shortCircuit?: boolean;
  /** With `shortCircuit`: skip every downstream task whatever its trigger rule (true), or only the direct ones. @default true */
  readonly ignoreDownstreamTriggerRules?: boolean;
  /** Task ids this task pulls from with `xcom.pull` (not through arguments): they must be upstream. */
  readonly pullsFrom?: readonly string[];
}

/** Where a mapped task's items come from. */
export type MapSource =
  | { readonly kind: 'literal'; readonly items: readonly unknown[] }
  | { readonly kind: 'xcom'; readonly arg: XComArg }
  | { readonly kind: 'map'; readonly source: MapSource; readonly fnId: number; readonly fn: (item: unknown) => unknown }
  | { readonly kind: 'zip'; readonly sources: readonly MapSource[]; readonly longest: boolean; readonly fillValue: unknown }
  | { readonly kind: 'concat'; readonly sources: readonly MapSource[] };

/** How a mapped task expands: over positional arguments (cross product), or over a list of argument objects. */
export type ExpandSpec =
  | { readonly kind: 'args'; readonly sources: readonly MapSource[] }
  | { readonly kind: 'kwargs'; readonly source: MapSource };

export interface TaskSpec {
  readonly taskId: string;
  readonly activityType: string;
  /** Fixed positional arguments (`partial`, or all arguments of an unmapped task); may hold XComArgs at any depth. */
  readonly args: readonly unknown[];
  readonly expand?: ExpandSpec;
  readonly options: TaskOptions;
  /** Upstream task ids: explicit dependencies plus every producer of an XComArg the task reads. */
  readonly upstream: readonly string[];
}

export interface DagSpec {
  readonly dagId: string;
  /** Tasks in the order they were declared. */
  readonly tasks: readonly TaskSpec[];
  /**
   * Explicit dependencies as declared (`a.then(b)`, `dag.chain(...)`), `[upstream, downstream]`. Already part of
   * each task's `upstream`; kept so validation can name an edge to a task that is not in the DAG.
   */
  readonly edges: readonly (readonly [upstream: string, downstream: string])[];
  /** Map functions by id (`xarg.map(fn)`), applied per item on the worker. */
  readonly mapFunctions: ReadonlyMap<number, (item: unknown) => unknown>;
}
