// Pure module (no imports but src/dag): everything that makes a DAG unable to run, found when it is defined.
import { exclusiveProblems } from './exclusive-keys';
import { expandXComArgs, isPlainObject, runValuesIn, xcomArgsIn } from './dag-builder';
import { DEFAULT_MAX_MAP_LENGTH, type DagOptions } from './dag-options';
import { DagValidationError, quoteId } from './dag-validation-error';
import { durationMs } from './duration';
import { findCycle, formatCycle, kahnOrder, upstreamClosure, upstreamGraph } from './graph-order';
import { paramSpecProblems } from './params';
import { RunValue } from './run-value';
import { DagScheduleError, scheduleSpecFor } from './schedule-spec';
import { XComArg } from './xcom-arg';
import { TRIGGER_RULES, type DagSpec, type MapSource, type TaskOptions, type TaskSpec } from './spec';

export { topologicalOrder, upstreamClosure } from './graph-order';

/** Airflow's `ID_LEN` for dag and task ids (the store's limit too). */
export const MAX_DAG_ID_LENGTH = 250;

/**
 * Checks a built DAG and throws a `DagValidationError` listing every problem: bad ids, duplicate and unknown tasks,
 * self-dependencies, cycles (with their path), pulls from tasks that are not upstream, invalid trigger rules and
 * options, literal `expand` lists longer than `maxMapLength`. Returns what is suspicious but can run.
 */
export function validateDag(spec: DagSpec, options: DagOptions): { warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  problems.push(...dagOptionProblems(options));
  problems.push(...taskIdProblems(spec));

  const known = new Set(spec.tasks.map((t) => t.taskId));
  problems.push(...exclusiveProblems(options.exclusive, known));
  const explicitUpstream = new Map<string, Set<string>>();
  for (const [up, down] of spec.edges) explicitUpstream.set(down, (explicitUpstream.get(down) ?? new Set()).add(up));
  const noPush = new Set(spec.tasks.filter((t) => t.options.doXComPush === false).map((t) => t.taskId));
  for (const task of spec.tasks) {
    problems.push(...taskOptionProblems(task, options).map((p) => `task ${quoteId(task.taskId)}: ${p}`));
    problems.push(...referenceProblems(task, known, explicitUpstream.get(task.taskId) ?? new Set()));
    problems.push(...expandProblems(task, options));
    problems.push(...paramReadProblems(task, options));
    warnings.push(...referenceWarnings(task, noPush));
  }
  for (const [up, down] of spec.edges) {
    if (!known.has(down)) problems.push(`task ${quoteId(down)} is set downstream of task ${quoteId(up)}, but it is not in this DAG`);
  }

  const graph = upstreamGraph(spec);
  const cycle = findCycle(graph, kahnOrder(graph).remaining);
  if (cycle) problems.push(`tasks form a cycle: ${formatCycle(cycle)}`);

  const pulls = pullProblems(spec, known);
  problems.push(...pulls.unknown);
  if (options.nonUpstreamPulls === 'warn') warnings.push(...pulls.notUpstream);
  else problems.push(...pulls.notUpstream);

  const hasDownstream = new Set(spec.tasks.flatMap((t) => t.upstream));
  for (const task of spec.tasks) {
    if (task.options.branch && !hasDownstream.has(task.taskId)) {
      warnings.push(`branch task ${quoteId(task.taskId)} has no downstream tasks to choose from`);
    }
  }

  if (problems.length > 0) throw new DagValidationError(options.dagId, problems);
  return { warnings };
}

/** What is wrong with an id: empty, too long, or holding a control character; undefined when it is fine. */
export function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id === '') return `must be a non-empty string, got ${describe(id)}`;
  if (id.length > MAX_DAG_ID_LENGTH) return `is ${id.length} characters long; the limit is ${MAX_DAG_ID_LENGTH}`;
  const control = /[\u0000-\u001f\u007f]/.exec(id);
  if (control) return `contains control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at position ${control.index}`;
  return undefined;
}

function dagOptionProblems(options: DagOptions): string[] {
  const problems: string[] = [];
  const dagId = idProblem(options.dagId);
  if (dagId) problems.push(`dagId ${dagId}`);
  for (const field of ['maxActiveTasks', 'maxMapLength'] as const) {
    const value = options[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      problems.push(`${field} must be an integer of at least 1, got ${describe(value)}`);
    }
  }
  if (options.nonUpstreamPulls !== undefined && options.nonUpstreamPulls !== 'error' && options.nonUpstreamPulls !== 'warn') {
    problems.push(`nonUpstreamPulls must be 'error' or 'warn', got ${describe(options.nonUpstreamPulls)}`);
  }
  if (options.taskQueue !== undefined && (typeof options.taskQueue !== 'string' || options.taskQueue === '')) {
    problems.push(`taskQueue must be a non-empty string, got ${describe(options.taskQueue)}`);
  }
  if (options.workflowType !== undefined && (typeof options.workflowType !== 'string' || options.workflowType === '')) {
    problems.push(`workflowType must be a non-empty string, got ${describe(options.workflowType)}`);
  }
  problems.push(...paramSpecProblems(options.params, options.schedule !== undefined && options.schedule !== null));
  if (options.startDate !== undefined && !(options.startDate instanceof Date && !Number.isNaN(options.startDate.getTime()))) {
    problems.push(`startDate must be a valid Date, got ${describe(options.startDate)}`);
  }
  if (options.schedule !== undefined) {
    try {
      scheduleSpecFor(options.schedule);
    } catch (err) {
      if (!(err instanceof DagScheduleError)) throw err;
      problems.push(err.message);
    }
    if (options.catchup === true && options.startDate === undefined) {
      problems.push('catchup needs a startDate: the first logical date to catch up from');
    }
  }
  if (options.defaultTaskOptions !== undefined) {
    if (options.defaultTaskOptions.taskId !== undefined) problems.push('defaultTaskOptions cannot set taskId: every task would get the same id');
    problems.push(...optionProblems(options.defaultTaskOptions).map((p) => `defaultTaskOptions: ${p}`));
  }
  return problems;
}

function taskIdProblems(spec: DagSpec): string[] {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  spec.tasks.forEach((task, i) => {
    const problem = idProblem(task.taskId);
    if (problem) problems.push(`task ${i + 1} (activity ${quoteId(task.activityType)}): task id ${problem}`);
    counts.set(task.taskId, (counts.get(task.taskId) ?? 0) + 1);
  });
  for (const [id, count] of counts) if (count > 1) problems.push(`task id ${quoteId(id)} is used by ${count} tasks`);
  return problems;
}

/** A task's own options; values equal to `defaultTaskOptions`' are checked once, there. */
function taskOptionProblems(task: TaskSpec, dag: DagOptions): string[] {
  const defaults: TaskOptions = dag.defaultTaskOptions ?? {};
  const own = Object.fromEntries(Object.entries(task.options).filter(([k, v]) => v !== defaults[k as keyof TaskOptions])) as TaskOptions;
  return optionProblems(own);
}

const DURATIONS = ['retryDelay', 'maxRetryDelay', 'executionTimeout', 'heartbeatTimeout'] as const;
const BOOLEANS = ['retryExponentialBackoff', 'multipleOutputs', 'doXComPush', 'branch', 'shortCircuit', 'ignoreDownstreamTriggerRules'] as const;

function optionProblems(options: TaskOptions): string[] {
  const problems: string[] = [];
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) {
    problems.push(`retries must be a non-negative integer, got ${describe(options.retries)}`);
  }
  for (const field of DURATIONS) {
    const value = options[field];
    if (value === undefined) continue;
    const ms = durationMs(value);
    const positive = field === 'executionTimeout' || field === 'heartbeatTimeout';
    if (ms === undefined || ms < 0 || (positive && ms === 0)) {
      problems.push(`${field} must be a ${positive ? 'positive' : 'non-negative'} duration (milliseconds, or a string such as '30 seconds'), got ${describe(value)}`);
    }
  }
  for (const field of BOOLEANS) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'boolean') problems.push(`${field} must be true or false, got ${describe(value)}`);
  }
  if (options.branch === true && options.shortCircuit === true) problems.push('a task is a branch or a short circuit, not both');
  if (options.retention !== undefined && options.retention !== 'run' && options.retention !== 'forever') {
    const ms = durationMs(options.retention);
    if (ms === undefined || ms <= 0) {
      problems.push(`retention must be 'run', 'forever' or a positive duration such as '7 days', got ${describe(options.retention)}`);
    }
  }
  if (options.triggerRule !== undefined && !TRIGGER_RULES.includes(options.triggerRule)) {
    problems.push(`trigger rule ${describe(options.triggerRule)} is not one of ${TRIGGER_RULES.join(', ')}`);
  }
  if (options.taskQueue !== undefined && (typeof options.taskQueue !== 'string' || options.taskQueue === '')) {
    problems.push(`taskQueue must be a non-empty string, got ${describe(options.taskQueue)}`);
  }
  if (options.pullsFrom !== undefined && !(Array.isArray(options.pullsFrom) && options.pullsFrom.every((id) => typeof id === 'string'))) {
    problems.push(`pullsFrom must be a list of task ids, got ${describe(options.pullsFrom)}`);
  }
  return problems;
}

/** Upstream ids that are the task itself or not in the DAG, said the way the dependency was made. */
function referenceProblems(task: TaskSpec, known: ReadonlySet<string>, explicit: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const name = quoteId(task.taskId);
  const read = new Set([...xcomArgsIn(task.args), ...(task.expand ? expandXComArgs(task.expand) : [])].map((a) => a.taskId));
  for (const up of task.upstream) {
    if (up === task.taskId) problems.push(`task ${name} depends on itself`);
    else if (known.has(up)) continue;
    else if (read.has(up) && !explicit.has(up)) problems.push(`task ${name} uses the output of task ${quoteId(up)}, which is not in this DAG`);
    else problems.push(`task ${name} depends on task ${quoteId(up)}, which is not in this DAG`);
  }
  return problems;
}

/** `dag.params.name` for a param the DAG does not declare: a typo, or a conf key (read it as `dag.conf.name`). */
function paramReadProblems(task: TaskSpec, options: DagOptions): string[] {
  const declared = isPlainObject(options.params) ? options.params : {};
  const values = [...runValuesIn(task.args), ...(task.expand ? expandRunValues(task.expand) : [])];
  const unknown = new Set(values.filter((v) => v.source === 'params' && v.field !== undefined && !Object.hasOwn(declared, v.field)).map((v) => v.field!));
  return [...unknown].map(
    (name) => `task ${quoteId(task.taskId)} reads dag.params.${name}, but the DAG declares no param ${quoteId(name)}; a conf key is dag.conf.${name}`,
  );
}

function expandRunValues(expand: NonNullable<TaskSpec['expand']>): RunValue[] {
  const literals = (source: MapSource): unknown[] => {
    switch (source.kind) {
      case 'literal':
        return [source.items];
      case 'map':
        return literals(source.source);
      case 'zip':
      case 'concat':
        return source.sources.flatMap(literals);
      default:
        return [];
    }
  };
  const sources = expand.kind === 'args' ? expand.sources : [expand.source];
  return runValuesIn(sources.flatMap(literals));
}

/** Reading the return value of a task that records none. */
function referenceWarnings(task: TaskSpec, noPush: ReadonlySet<string>): string[] {
  const args = [...xcomArgsIn(task.args), ...(task.expand ? expandXComArgs(task.expand) : [])];
  const warned = new Set<string>();
  for (const arg of args) if (arg.key === 'return_value' && noPush.has(arg.taskId)) warned.add(arg.taskId);
  return [...warned].map(
    (id) => `task ${quoteId(task.taskId)} uses the output of task ${quoteId(id)}, which has doXComPush: false and records no return value`,
  );
}

function pullProblems(spec: DagSpec, known: ReadonlySet<string>): { unknown: string[]; notUpstream: string[] } {
  const unknown: string[] = [];
  const notUpstream: string[] = [];
  for (const task of spec.tasks) {
    const pulls = task.options.pullsFrom;
    if (!Array.isArray(pulls) || pulls.length === 0) continue;
    const closure = upstreamClosure(spec, task.taskId);
    for (const id of new Set(pulls as readonly string[])) {
      // A task may always read its own pushes (Airflow 3's default pull is the calling task).
      if (id === task.taskId) continue;
      if (!known.has(id)) unknown.push(`task ${quoteId(task.taskId)} pulls from task ${quoteId(id)}, which is not in this DAG`);
      else if (!closure.has(id)) {
        notUpstream.push(
          `task ${quoteId(task.taskId)} pulls from task ${quoteId(id)}, which is not upstream of it (it may not have run yet); add ${quoteId(id)} as an upstream task`,
        );
      }
    }
  }
  return { unknown, notUpstream };
}

/** Literal lists that are longer than `maxMapLength` already when the DAG is defined, and `expandKwargs` items that are not objects. */
function expandProblems(task: TaskSpec, options: DagOptions): string[] {
  if (!task.expand) return [];
  const problems: string[] = [];
  const name = quoteId(task.taskId);
  const limit = Number.isInteger(options.maxMapLength) && options.maxMapLength! >= 1 ? options.maxMapLength! : DEFAULT_MAX_MAP_LENGTH;
  const bounds = task.expand.kind === 'args' ? task.expand.sources.map(lengthBound) : [lengthBound(task.expand.source)];
  const length = bounds.reduce((n, b) => n * b.length, 1);
  const exact = bounds.every((b) => b.exact);
  if (length > limit) {
    problems.push(`task ${name} would have ${exact ? '' : 'at least '}${length} mapped instances, above maxMapLength ${limit}`);
  }
  if (task.options.branch === true || task.options.shortCircuit === true) {
    problems.push(`task ${name} is mapped, so it cannot be a ${task.options.branch === true ? 'branch' : 'short circuit'}`);
  }
  if (task.expand.kind === 'kwargs') {
    const notObject = kwargsProblem(task.expand.source);
    if (notObject) problems.push(`task ${name}: expandKwargs() needs a list of argument objects, but ${notObject}`);
  }
  return problems;
}

/**
 * What is known of a source's length when the DAG is defined: a lower bound, exact when only literal lists feed it.
 * A task output counts as 0 (it may be empty), so only lengths that are certain make a DAG invalid.
 */
function lengthBound(source: MapSource): { length: number; exact: boolean } {
  switch (source.kind) {
    case 'literal':
      return { length: source.items.length, exact: true };
    case 'xcom':
      return { length: 0, exact: false };
    case 'map':
      return lengthBound(source.source);
    case 'zip': {
      const parts = source.sources.map(lengthBound);
      const lengths = parts.map((p) => p.length);
      return { length: source.longest ? Math.max(...lengths) : Math.min(...lengths), exact: parts.every((p) => p.exact) };
    }
    case 'concat': {
      const parts = source.sources.map(lengthBound);
      return { length: parts.reduce((n, p) => n + p.length, 0), exact: parts.every((p) => p.exact) };
    }
  }
}

function kwargsProblem(source: MapSource): string | undefined {
  switch (source.kind) {
    case 'literal': {
      // A task output in the list stands for an object the runner reads at run time.
      const index = source.items.findIndex((item) => !isPlainObject(item) && !(item instanceof XComArg) && !(item instanceof RunValue));
      return index < 0 ? undefined : `item ${index} is ${describe(source.items[index])}`;
    }
    case 'zip':
      return 'zip() gives lists';
    case 'concat':
      return source.sources.map(kwargsProblem).find((p) => p !== undefined);
    default:
      return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return quoteId(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : `a ${value.constructor?.name ?? 'object'}`;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : `a ${typeof value}`;
}
