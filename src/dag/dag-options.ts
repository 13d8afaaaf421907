// Pure module: a DAG's options, Airflow's `DAG(...)` arguments.
import type { ExclusiveKeys } from './exclusive-keys';
import type { ParamsSpec } from './params';
import type { TaskOptions } from './spec';

/** A cron expression, an Airflow preset (`@hourly`, `@daily`…, `@once`), or a fixed interval. */
export type DagSchedule = string | { readonly every: string | number; readonly offset?: string | number };

export interface DagOptions {
  /** Airflow's `dag_id`: the XCom `dag_id` of every task in the DAG. */
  readonly dagId: string;
  /** When runs start (a Temporal Schedule made by `createDagSchedule`); omitted: runs only when started. */
  readonly schedule?: DagSchedule;
  /** The first logical date of a scheduled DAG (Airflow's `start_date`). */
  readonly startDate?: Date;
  /** Run the missed intervals since `startDate` when the schedule is created (Airflow's `catchup`). @default false */
  readonly catchup?: boolean;
  /** Options every task starts from (Airflow's `default_args`). */
  readonly defaultTaskOptions?: TaskOptions;
  /** Most task instances running at once (Airflow's `max_active_tasks`). @default 16 */
  readonly maxActiveTasks?: number;
  /** Most instances of one mapped task (Airflow's `[core] max_map_length`). @default 1024 */
  readonly maxMapLength?: number;
  /** What a task pulling from a task that is not upstream of it is: an error at build time, or a warning. @default 'error' */
  readonly nonUpstreamPulls?: 'error' | 'warn';
  /**
   * Task queue for tasks without their own; default: the workflow's. `xcom.triggerDagRun({ dagId })` also starts
   * the DAG's runs here.
   */
  readonly taskQueue?: string;
  /**
   * The run's parameters (Airflow's `params`): each a `param({ type, default, … })` or a plain default value. A run's
   * conf overrides them; they are checked when a run starts, and tasks get them as `dag.params.name` arguments.
   */
  readonly params?: ParamsSpec;
  /**
   * The workflow type that runs this DAG (the exported workflow function calling `runDag`), so other DAGs can start
   * a run by DAG id: `xcom.triggerDagRun({ dagId })`. `createDagSchedule` uses it when given no workflow type.
   */
  readonly workflowType?: string;
  /**
   * Exclusive XComs (docs/exclusive-xcoms.md): per key, the only task that may write it (`writer`) and the only
   * tasks that may read it (`readers`), in every run. Enforced by workers given this DAG (`new XComPlugin({ dags })`).
   *
   * ```ts
   * defineDag({ dagId: 'billing', exclusive: { api_token: { writer: 'login', readers: ['charge'] } } }, …)
   * ```
   */
  readonly exclusive?: ExclusiveKeys;
}

export const DEFAULT_MAX_ACTIVE_TASKS = 16;
export const DEFAULT_MAX_MAP_LENGTH = 1024;
