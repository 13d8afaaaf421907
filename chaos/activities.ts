// The chaos DAG's one task function, run by chaos/worker.ts under XComPlugin.
import { activityInfo, heartbeat } from '@temporalio/activity';
import { xcom } from '../src';
import { attempts, type AttemptRegistry } from './attempt-registry';
import { instanceName, keysFor, mapIndexesOf, RETURN_KEY, taskSpec } from './dag-shape';
import { emit } from './events';
import type { AttemptPlan, ZombieMode } from './plan';
import { arm, killNow } from './self-kill';
import { isChaosValue, sameValue, valueFor, type ChaosValue } from './values';

/** What the workflow passes a task instance. */
export interface TaskCall {
  readonly taskId: string;
  readonly mapIndex: number;
  /** What attempts 1..n of this instance do (kill points, zombies); later attempts just run. */
  readonly plan: readonly AttemptPlan[];
  /** Upstream results by task id, in map-index order; the plugin resolved refs among them into values. */
  readonly inputs: Readonly<Record<string, readonly unknown[]>>;
}

/** Longest a zombie waits for its retry, and a retry for a zombie that commits first: then they go on regardless. */
const WAIT_LIMIT_MS = 60_000;

/**
 * Pushes this attempt's key set and returns its `return_value`, all deterministic functions of (run, task, map
 * index, attempt, key); checks its upstream inputs are exactly what their writers wrote. Follows the attempt's plan:
 * kill the worker at a point, or outlive the attempt's timeout and commit late.
 */
export async function chaosTask(call: TaskCall): Promise<ChaosValue> {
  const { attempt } = activityInfo();
  const { runId } = xcom.task();
  const instance = instanceName(call.taskId, call.mapIndex);
  const plan = call.plan[attempt - 1] ?? {};
  const registry = attempts();
  checkInputs(runId, call, instance, attempt);
  for (const key of keysFor(call.taskId, attempt)) {
    if (key === RETURN_KEY) continue;
    xcom.push(key, valueFor(runId, call.taskId, call.mapIndex, attempt, key));
    heartbeat();
  }
  const result = valueFor(runId, call.taskId, call.mapIndex, attempt, RETURN_KEY);
  if (plan.kill === 'before-commit') killNow(instance, attempt, plan.kill);
  if (plan.kill) arm(plan.kill, instance, attempt);
  if (plan.zombie) await outliveTimeout(registry, runId, instance, attempt, plan.zombie);
  // A zombie that promised to commit before this retry gets to (see outliveTimeout).
  else await registry.zombiesFirstSettled(runId, instance, attempt, WAIT_LIMIT_MS);
  return result;
}

/**
 * Stops heartbeating and waits, so Temporal times the attempt out and starts a retry (in this worker or another);
 * then returns, and the plugin commits. `after`: once the retry committed (this commit is fenced). `before`: once the retry started, which waits
 * for this commit (so this one wins, and the retry's supersedes it). `race`: once the retry started, no ordering.
 */
async function outliveTimeout(
  registry: AttemptRegistry,
  runId: string,
  instance: string,
  attempt: number,
  mode: ZombieMode,
): Promise<void> {
  if (mode === 'before') await registry.commitsFirst(runId, instance, attempt);
  const waited =
    mode === 'after'
      ? await registry.committedAfter(runId, instance, attempt, WAIT_LIMIT_MS)
      : await registry.startedAfter(runId, instance, attempt, WAIT_LIMIT_MS);
  emit({ e: 'zombie', instance, attempt, mode, waited });
}

/** Every upstream result must be exactly the return value of the attempt it says wrote it. */
function checkInputs(runId: string, call: TaskCall, instance: string, attempt: number): void {
  for (const upstream of taskSpec(call.taskId).upstream) {
    const received = call.inputs[upstream] ?? [];
    const indexes = mapIndexesOf(taskSpec(upstream));
    const problems: string[] = [];
    if (received.length !== indexes.length) problems.push(`${received.length} results for ${indexes.length} instances`);
    indexes.forEach((mapIndex, i) => {
      const value = received[i];
      const from = instanceName(upstream, mapIndex);
      if (!isChaosValue(value)) problems.push(`${from}: not a chaos value`);
      else if (!sameValue(value, valueFor(runId, upstream, mapIndex, value.attempt, RETURN_KEY))) {
        problems.push(`${from}: differs from what attempt ${value.attempt} wrote`);
      }
    });
    for (const detail of problems) emit({ e: 'bad-input', instance, attempt, detail });
  }
}
