// Sandbox code: every task's state in one DAG run, and what its outputs are (refs only).
import type { DagRunSnapshot, TaskRunSnapshot } from '../../common/dag-run-snapshot';
import type { XComRef } from '../../common/xcom-ref';
import type { DagSpec, TaskSpec, TaskState } from '../../dag/spec';
import { isTerminal } from '../../dag/trigger-rules';

export interface TaskRun {
  readonly spec: TaskSpec;
  state: TaskState;
  /** Unmapped task: its result ref (null when it recorded nothing). */
  result?: XComRef | null;
  /** Branch task: the direct downstream tasks it followed. */
  followed?: readonly string[];
  /** Mapped task: instance count once expanded, and each instance's state and result ref. */
  mapCount?: number;
  instanceStates?: TaskState[];
  instanceResults?: (XComRef | null)[];
  error?: string;
}

/** What `dag.conf` and `dag.params` stand for in this run. */
export interface RunValues {
  readonly conf: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, unknown>>;
}

export class DagRunState {
  readonly tasks = new Map<string, TaskRun>();
  /** Bumped on every change, so the runner's loop can wait for "something happened". */
  version = 0;

  constructor(
    readonly spec: DagSpec,
    readonly runValues: RunValues = { conf: {}, params: {} },
  ) {
    for (const task of spec.tasks) this.tasks.set(task.taskId, { spec: task, state: 'none' });
  }

  get(taskId: string): TaskRun {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error(`unknown task '${taskId}' in DAG '${this.spec.dagId}'`);
    return task;
  }

  set(taskId: string, change: Partial<TaskRun>): void {
    Object.assign(this.get(taskId), change);
    this.version += 1;
  }

  /**
   * The states a downstream trigger rule counts for an upstream task: one per mapped instance once it has expanded
   * (Airflow counts each task instance), else the task's own.
   */
  triggerStates(taskId: string): readonly TaskState[] {
    const task = this.get(taskId);
    return task.instanceStates && task.instanceStates.length > 0 ? task.instanceStates : [task.state];
  }

  allDone(): boolean {
    return [...this.tasks.values()].every((t) => isTerminal(t.state));
  }

  /** Airflow's rule: a run fails when a leaf task failed or could not run for an upstream failure. */
  outcome(): DagRunSnapshot['state'] {
    if (!this.allDone()) return 'running';
    const hasDownstream = new Set(this.spec.tasks.flatMap((t) => t.upstream));
    const leaves = this.spec.tasks.filter((t) => !hasDownstream.has(t.taskId));
    const failedLeaf = leaves.some((t) => ['failed', 'upstream_failed'].includes(this.get(t.taskId).state));
    return failedLeaf ? 'failed' : 'success';
  }

  snapshot(run: { dagId: string; runId: string; logicalDate: Date }): DagRunSnapshot {
    const tasks: Record<string, TaskRunSnapshot> = {};
    for (const [taskId, task] of this.tasks) {
      const mapStates: Partial<Record<TaskState, number>> = {};
      for (const state of task.instanceStates ?? []) mapStates[state] = (mapStates[state] ?? 0) + 1;
      tasks[taskId] = {
        state: task.state,
        ...(task.mapCount !== undefined && { mapCount: task.mapCount, mapStates, instanceStates: [...(task.instanceStates ?? [])] }),
        ...(task.error !== undefined && { error: task.error }),
      };
    }
    const { conf, params } = this.runValues;
    return {
      dagId: run.dagId,
      runId: run.runId,
      logicalDate: run.logicalDate.toISOString(),
      ...(Object.keys(conf).length > 0 && { conf }),
      ...(Object.keys(params).length > 0 && { params }),
      state: this.outcome(),
      tasks,
    };
  }
}
