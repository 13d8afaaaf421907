// Sandbox code: the generic DAG runner. Schedules ready tasks in topological order under a parallelism limit,
// applies trigger rules with skip propagation, branches and short circuits, expands mapped tasks, and passes only
// refs between tasks. A task (or one mapped instance) that throws XComSkip ends `skipped`.
import { ApplicationFailure, condition, defineQuery, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { ItemSource } from '../../common/arg-refs';
import { DAG_RUN_QUERY, type DagRunSnapshot } from '../../common/dag-run-snapshot';
import type { XComActivities } from '../../common/xcom-activities';
import type { XComRef } from '../../common/xcom-ref';
import { DEFAULT_MAX_ACTIVE_TASKS, DEFAULT_MAX_MAP_LENGTH } from '../../dag/dag-options';
import type { DagDefinition } from '../../dag/define-dag';
import type { TaskSpec } from '../../dag/spec';
import { expandXComArgs, xcomArgsIn } from '../../dag/dag-builder';
import { branchDecision, shortCircuitDecision, SKIPMIXIN_KEY } from '../../dag/skip-decisions';
import { decideTrigger, isTerminal } from '../../dag/trigger-rules';
import { topologicalOrder } from '../../dag/validate-dag';
import { currentDagRun, setDagRun } from '../dag-run';
import { DagRunState } from './dag-run-state';
import { expandTask, type ExpandContext } from './map-expansion';
import { Semaphore } from './semaphore';
import { isSkipFailure } from './skip-failure';
import { isDecisionTask, runTaskActivity } from './task-activity';
import { runValuesFor } from './run-values';
import { withReferences } from './task-arguments';

export const dagRunQuery = defineQuery<DagRunSnapshot>(DAG_RUN_QUERY);

/** Optional input of a DAG run. */
export interface DagRunInput {
  /** ISO 8601 logical date; default: the schedule's time, else the workflow start. */
  readonly logicalDate?: string;
  /** Airflow's `dag_run.conf`: overrides the DAG's params; tasks read it as `dag.conf.key`. */
  readonly conf?: Readonly<Record<string, unknown>>;
}

const xcomActivities = proxyLocalActivities<XComActivities>({ startToCloseTimeout: '1 minute' });
const RETURN_VALUE = 'return_value';

/**
 * Runs a DAG to completion in the calling workflow and returns its final snapshot; throws a non-retryable
 * `DagRunFailed` ApplicationFailure (with the snapshot as details) when a leaf task failed.
 */
export async function runDag(dag: DagDefinition, input: DagRunInput = {}): Promise<DagRunSnapshot> {
  setDagRun({ dagId: dag.dagId, ...(input.logicalDate !== undefined && { logicalDate: new Date(input.logicalDate) }) });
  const run = currentDagRun();
  const state = new DagRunState(dag.spec, runValuesFor(dag, run.runId, input.conf));
  setHandler(dagRunQuery, () => state.snapshot(run));
  const slots = new Semaphore(dag.options.maxActiveTasks ?? DEFAULT_MAX_ACTIVE_TASKS);
  const order = topologicalOrder(dag.spec).map((id) => state.get(id).spec);
  const expandContext: ExpandContext = {
    state,
    run,
    lengthOf: (source: ItemSource) => xcomActivities.__xcom_length(source, run.dagId),
    maxMapLength: dag.options.maxMapLength ?? DEFAULT_MAX_MAP_LENGTH,
  };

  const runTask = async (task: TaskSpec): Promise<void> => {
    try {
      if (task.expand) await runMapped(task);
      else await runUnmapped(task);
    } catch (err) {
      if (isSkipFailure(err)) state.set(task.taskId, { state: 'skipped' });
      else state.set(task.taskId, { state: 'failed', error: describeError(err) });
    }
  };

  const runUnmapped = async (task: TaskSpec): Promise<void> => {
    const args = withReferences(task.args, state, run) as unknown[];
    const result = await slots.run(() => {
      state.set(task.taskId, { state: 'running' });
      return runTaskActivity(task, dag.options, args);
    });
    if (isDecisionTask(task)) await applyDecision(task, result);
    else state.set(task.taskId, { state: 'success', result: (result ?? null) as XComRef | null });
  };

  /** A branch or short circuit: record what Airflow records, then skip what it skips. */
  const applyDecision = async (task: TaskSpec, result: unknown): Promise<void> => {
    const decision = task.options.branch ? branchDecision(dag.spec, task, result) : shortCircuitDecision(dag.spec, task, result);
    const entries: [string, unknown][] = [];
    if (decision.record) entries.push([SKIPMIXIN_KEY, decision.record]);
    if (decision.keepsReturnValue && task.options.doXComPush !== false && result !== null && result !== undefined) entries.push([RETURN_VALUE, result]);
    const ref = entries.length === 0 ? null : await xcomActivities.__xcom_record({ ...run, logicalDate: run.logicalDate.toISOString(), taskId: task.taskId, mapIndex: -1, fence: Date.now(), entries });
    for (const id of decision.skip) if (state.get(id).state === 'none') state.set(id, { state: 'skipped' });
    state.set(task.taskId, { state: 'success', result: ref, ...(decision.followed && { followed: decision.followed }) });
  };

  const runMapped = async (task: TaskSpec): Promise<void> => {
    const expansion = await expandTask(task, expandContext);
    if (expansion.count === 0) return state.set(task.taskId, { state: 'skipped', mapCount: 0, instanceStates: [] });
    const instanceStates = new Array<TaskRun['state']>(expansion.count).fill('scheduled');
    const instanceResults = new Array<XComRef | null>(expansion.count).fill(null);
    state.set(task.taskId, { state: 'running', mapCount: expansion.count, instanceStates, instanceResults });
    const errors: string[] = [];
    await Promise.all(
      Array.from({ length: expansion.count }, (_, i) =>
        slots.run(async () => {
          instanceStates[i] = 'running';
          try {
            instanceResults[i] = ((await runTaskActivity(task, dag.options, expansion.argsFor(i), i)) ?? null) as XComRef | null;
            instanceStates[i] = 'success';
          } catch (err) {
            // A skipped instance drops out of the mapped results, as in Airflow; the others still run.
            if (isSkipFailure(err)) instanceStates[i] = 'skipped';
            else {
              instanceStates[i] = 'failed';
              errors.push(`[${i}] ${describeError(err)}`);
            }
          }
          state.version += 1;
        }),
      ),
    );
    // The task's own state summarizes its instances; downstream trigger rules count each instance.
    if (errors.length > 0) state.set(task.taskId, { state: 'failed', error: errors.join('; ') });
    else state.set(task.taskId, { state: instanceStates.every((s) => s === 'skipped') ? 'skipped' : 'success' });
  };

  const inFlight: Promise<void>[] = [];
  while (!state.allDone()) {
    const seen = state.version;
    for (const task of order) {
      if (state.get(task.taskId).state !== 'none') continue;
      const decision = decide(task, state);
      if (decision === 'wait') continue;
      if (decision === 'run') {
        state.set(task.taskId, { state: 'scheduled' });
        inFlight.push(runTask(task));
      } else {
        state.set(task.taskId, { state: decision });
      }
    }
    if (state.version === seen) await condition(() => state.version !== seen);
  }
  await Promise.all(inFlight);

  const snapshot = state.snapshot(run);
  if (snapshot.state === 'failed') {
    throw ApplicationFailure.create({
      type: 'DagRunFailed',
      message: `DAG ${dag.dagId} run ${run.runId} failed: ${failedTasks(snapshot)}`,
      nonRetryable: true,
      details: [snapshot],
    });
  }
  return snapshot;
}

type TaskRun = ReturnType<DagRunState['get']>;

/** The trigger rule's decision over the upstream states, one per instance of a mapped upstream task. */
function decide(task: TaskSpec, state: DagRunState): ReturnType<typeof decideTrigger> {
  const upstream = task.upstream.flatMap((id) => state.triggerStates(id));
  const rule = task.options.triggerRule ?? 'all_success';
  // `always` ignores upstream states, but a task cannot run before the outputs it reads exist.
  if (rule === 'always' && readsFrom(task).some((id) => !isTerminal(state.get(id).state))) return 'wait';
  return decideTrigger(rule, upstream);
}

function readsFrom(task: TaskSpec): string[] {
  const args = [...xcomArgsIn(task.args), ...(task.expand ? expandXComArgs(task.expand) : [])];
  return args.map((arg) => arg.taskId);
}

function failedTasks(snapshot: DagRunSnapshot): string {
  return Object.entries(snapshot.tasks)
    .filter(([, t]) => t.state === 'failed' || t.state === 'upstream_failed')
    .map(([id, t]) => `${id} ${t.state}${t.error ? ` (${t.error})` : ''}`)
    .join(', ');
}

function describeError(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return e.cause?.message ? `${e.message ?? ''}: ${e.cause.message}` : (e.message ?? String(err));
}
