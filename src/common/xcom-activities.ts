// Pure types shared by the sandbox (which calls these local activities) and the worker (which implements them).
import type { PullOptions } from '../pull/pull-options';
import type { ItemSource } from './arg-refs';
import type { XComRef } from './xcom-ref';
import type { XComWaitActivities } from './xcom-wait';

/** Who asks for a pull from workflow code: the DAG run, with no task of its own. */
export interface WorkflowPullRequest {
  readonly dagId: string;
  readonly runId: string;
  /** ISO 8601; the cutoff for `includePriorDates`. */
  readonly logicalDate: string;
  readonly options: PullOptions;
}

/**
 * Entries the DAG runner records for a task instance after its attempt: Airflow's `skipmixin_key`, and the return
 * value of a branch or short circuit when Airflow keeps it. Keyed writes, fenced by `fence`.
 */
export interface RunnerRecordRequest {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  /** ISO 8601 logical date of the run. */
  readonly logicalDate: string;
  /** Workflow time in ms: a later decision for the same task replaces an earlier one. */
  readonly fence: number;
  readonly entries: readonly (readonly [key: string, value: unknown])[];
}

/** The plugin's own activities, called by workflow code as local activities. */
export interface XComActivities extends XComWaitActivities {
  /** Airflow-shaped pull; values too large for history come back as `XComRef`s. */
  __xcom_pull(request: WorkflowPullRequest): Promise<unknown>;
  /**
   * The value a ref stands for (it then sits in history: use it only for values that fit). `readerDagId`: the
   * DAG the workflow runs as (checked by the worker), for the access policy; @default its workflow type.
   */
  __xcom_resolve(ref: XComRef, readerDagId?: string): Promise<unknown>;
  /** Length of a list held in the store (the DAG runner expands mapped tasks over it); fails for a non-list. */
  __xcom_length(source: ItemSource, readerDagId?: string): Promise<number>;
  /** Records the entries; returns a ref to the `return_value` entry when one was among them, else null. */
  __xcom_record(request: RunnerRecordRequest): Promise<XComRef | null>;
}
