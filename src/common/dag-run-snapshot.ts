// Pure module: the DAG run's state as the runner reports it (query result and workflow result).
import type { TaskState } from '../dag/spec';

export const DAG_RUN_QUERY = 'xcom.dagRun';

export interface TaskRunSnapshot {
  readonly state: TaskState;
  /** Number of mapped instances, once the task has expanded. */
  readonly mapCount?: number;
  /** Mapped instances per state. */
  readonly mapStates?: Partial<Record<TaskState, number>>;
  /** Each mapped instance's state, by map index. */
  readonly instanceStates?: readonly TaskState[];
  /** Why the task failed (its last error), or why it could not run. */
  readonly error?: string;
}

export interface DagRunSnapshot {
  readonly dagId: string;
  readonly runId: string;
  readonly logicalDate: string;
  /** The conf the run was started with (Airflow's `dag_run.conf`), when it had one. */
  readonly conf?: Readonly<Record<string, unknown>>;
  /** The run's params (defaults overridden by conf), when it has any. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** `success` when every leaf task succeeded or was skipped; `failed` when one failed (Airflow's rule). */
  readonly state: 'running' | 'success' | 'failed';
  readonly tasks: Readonly<Record<string, TaskRunSnapshot>>;
}
