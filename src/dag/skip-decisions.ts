// Pure module: what a branch or short-circuit task's result skips, and what Airflow records about it.
import type { DagSpec, TaskSpec } from './spec';

/** Airflow's XCom key for a branch or short circuit's decision (`SkipMixin`). */
export const SKIPMIXIN_KEY = 'skipmixin_key';

export interface SkipDecision {
  /** Tasks to mark skipped now, whatever their trigger rules (Airflow sets their state directly). */
  readonly skip: readonly string[];
  /** Direct downstream tasks a branch follows. */
  readonly followed?: readonly string[];
  /** The `skipmixin_key` value, when Airflow records one: `{ followed }` for a branch, `{ skipped }` for a short circuit. */
  readonly record?: { readonly followed: readonly string[] } | { readonly skipped: readonly string[] };
  /**
   * Whether the task's return value is recorded. Airflow 3 ends a task that skips downstream tasks before it pushes
   * its return value, so only a decision that skips nothing keeps it.
   */
  readonly keepsReturnValue: boolean;
}

/** A branch task's result is not task ids of this DAG: the branch task fails, as Airflow's does. */
export class BranchChoiceError extends Error {}

/**
 * Airflow's `skip_all_except`: the result names the tasks to follow (an id, a list, or null for none); any task of the
 * DAG may be named. A direct downstream task is followed when it is named or lies downstream of a named task (so a
 * join right after the branch still runs); the other direct downstream tasks are skipped.
 */
export function branchDecision(spec: DagSpec, task: TaskSpec, result: unknown): SkipDecision {
  const chosen = chosenIds(task, result);
  const unknown = chosen.filter((id) => !spec.tasks.some((t) => t.taskId === id));
  if (unknown.length > 0) {
    throw new BranchChoiceError(`branch task '${task.taskId}' returned task ids that are not in DAG '${spec.dagId}': ${unknown.map((id) => `'${id}'`).join(', ')}`);
  }
  const direct = directDownstream(spec, task.taskId);
  if (direct.length === 0) return { skip: [], followed: [], keepsReturnValue: true };
  const reached = new Set([...chosen, ...downstreamOf(spec, chosen)]);
  const followed = direct.filter((id) => reached.has(id));
  const skip = direct.filter((id) => !reached.has(id));
  return { skip, followed, record: { followed }, keepsReturnValue: skip.length === 0 };
}

/**
 * Airflow's `@task.short_circuit`: a truthy result lets everything run; a falsy one skips every task downstream
 * (or, with `ignoreDownstreamTriggerRules: false`, the direct ones, leaving the rest to their trigger rules).
 */
export function shortCircuitDecision(spec: DagSpec, task: TaskSpec, result: unknown): SkipDecision {
  const direct = directDownstream(spec, task.taskId);
  if (isTruthy(result) || direct.length === 0) return { skip: [], keepsReturnValue: true };
  const skip = task.options.ignoreDownstreamTriggerRules === false ? direct : downstreamOf(spec, [task.taskId]);
  return { skip, record: { skipped: skip }, keepsReturnValue: false };
}

/** Python's truthiness, which Airflow applies to the condition: empty lists, objects and strings, 0 and null are false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

function chosenIds(task: TaskSpec, result: unknown): string[] {
  if (result === null || result === undefined) return [];
  const ids: unknown[] = typeof result === 'string' ? [result] : Array.isArray(result) ? result : [result];
  const bad = ids.filter((id) => typeof id !== 'string');
  if (bad.length > 0 || (typeof result !== 'string' && !Array.isArray(result))) {
    throw new BranchChoiceError(
      `branch task '${task.taskId}' must return a task id, a list of task ids, or null; it returned ${describeChoice(result)}`,
    );
  }
  return [...new Set(ids as string[])];
}

/**
 * A result that is not a choice, by its shape: never an object's contents, nor a list's other than its strings (the
 * task ids it meant), as the result may hold secrets and this message reaches Temporal's history and logs.
 */
function describeChoice(result: unknown): string {
  const shape = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? (Array.isArray(v) ? 'a list' : 'an object') : typeof v);
  if (Array.isArray(result)) return `[${result.map(shape).join(', ')}]`;
  if (typeof result === 'number' || typeof result === 'boolean') return String(result);
  return shape(result);
}

/** Tasks that read from or were set after `taskId`, in the order the DAG declares them. */
export function directDownstream(spec: DagSpec, taskId: string): string[] {
  return spec.tasks.filter((t) => t.upstream.includes(taskId)).map((t) => t.taskId);
}

/** Every task downstream of any of `ids` (not the tasks themselves unless reachable), in declaration order. */
export function downstreamOf(spec: DagSpec, ids: readonly string[]): string[] {
  const reached = new Set<string>();
  const queue = [...ids];
  while (queue.length > 0) {
    const current = queue.pop()!;
    for (const next of directDownstream(spec, current)) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return spec.tasks.map((t) => t.taskId).filter((id) => reached.has(id));
}
