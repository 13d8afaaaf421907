// Pure module (no imports but src/dag and src/common): builds a DagSpec from TaskFlow-style calls.
import type { DagOptions } from './dag-options';
import { RunValue, runValueRoot, type ConfArg, type ParamsArg } from './run-value';
import type { DagSpec, ExpandSpec, MapSource, TaskOptions, TaskSpec } from './spec';
import { toMapSource, XComArg, type DagGraph, type MapInputLike } from './xcom-arg';
import { taskOutput, type TaskFactories } from './task-factory';

/** What the DAG's build function receives; `P` are the DAG's param types. */
export interface DagBuilder<P = unknown> {
  /** Task factories for the activities of `A`: `t.extract()`, `t.load(t.extract())`, `t.add.expand([1, 2])`. */
  tasks<A extends object>(defaults?: TaskOptions): TaskFactories<A>;
  /** Sets dependencies in sequence: `chain(a, [b, c], d)` is a >> [b, c] >> d (Airflow's `chain`). */
  chain(...items: (XComArg | readonly XComArg[])[]): void;
  /** The run's params as task arguments: `dag.params.limit` (Airflow's `{{ params.limit }}`), or all of them. */
  readonly params: ParamsArg<P>;
  /** The conf the run was started with, as task arguments: `dag.conf.message` (Airflow's `dag_run.conf`), or all of it. */
  readonly conf: ConfArg;
}

interface MutableTask {
  taskId: string;
  activityType: string;
  args: readonly unknown[];
  expand?: ExpandSpec;
  options: TaskOptions;
}

/** Collects tasks and edges; `finish()` gives the spec (validation happens separately, in validateDag). */
export class DagBuildState implements DagGraph {
  readonly tasks: MutableTask[] = [];
  readonly edges: [string, string][] = [];
  readonly mapFunctions = new Map<number, (item: unknown) => unknown>();
  readonly #defaultIdsUsed = new Map<string, number>();

  constructor(readonly options: DagOptions) {}

  addEdge(upstream: string, downstream: string): void {
    this.edges.push([upstream, downstream]);
  }

  registerMapFunction(fn: (item: unknown) => unknown): number {
    const id = this.mapFunctions.size + 1;
    this.mapFunctions.set(id, fn);
    return id;
  }

  /** Registers a task and returns its output. Task ids default to the activity name, `__1`… for repeats. */
  addTask(activityType: string, options: TaskOptions, args: readonly unknown[], expand?: ExpandSpec): XComArg {
    const taskId = options.taskId ?? this.#defaultTaskId(activityType);
    this.tasks.push({ taskId, activityType, args, expand, options: { ...this.options.defaultTaskOptions, ...options } });
    return taskOutput(new XComArg(taskId, 'return_value', this));
  }

  expandSpec(kind: 'args' | 'kwargs', inputs: readonly MapInputLike[]): ExpandSpec {
    if (inputs.length === 0) throw new TypeError('expand() needs at least one list to map over');
    if (kind === 'kwargs') {
      if (inputs.length !== 1) throw new TypeError('expandKwargs() takes exactly one list of argument objects');
      return { kind, source: toMapSource(inputs[0]!, this) };
    }
    return { kind, sources: inputs.map((input) => toMapSource(input, this)) };
  }

  finish(): DagSpec {
    const explicit = new Map<string, string[]>();
    for (const [from, to] of this.edges) {
      const list = explicit.get(to);
      if (list) list.push(from);
      else explicit.set(to, [from]);
    }
    const tasks: TaskSpec[] = this.tasks.map((task) => {
      const upstream = new Set<string>(explicit.get(task.taskId));
      for (const arg of xcomArgsIn(task.args)) upstream.add(arg.taskId);
      if (task.expand) for (const arg of expandXComArgs(task.expand)) upstream.add(arg.taskId);
      return { ...task, upstream: [...upstream] };
    });
    return { dagId: this.options.dagId, tasks, edges: [...this.edges], mapFunctions: this.mapFunctions };
  }

  #defaultTaskId(activityType: string): string {
    const used = this.#defaultIdsUsed.get(activityType) ?? 0;
    this.#defaultIdsUsed.set(activityType, used + 1);
    return used === 0 ? activityType : `${activityType}__${used}`;
  }
}

/** Every XComArg in a value, at any depth of arrays and plain objects (Airflow finds them the same way). */
export function xcomArgsIn(value: unknown, found: XComArg[] = []): XComArg[] {
  if (value instanceof XComArg) found.push(value);
  else if (Array.isArray(value)) for (const item of value) xcomArgsIn(item, found);
  else if (isPlainObject(value)) for (const item of Object.values(value)) xcomArgsIn(item, found);
  return found;
}

/** Every `dag.conf`/`dag.params` value in a value, at any depth of arrays and plain objects. */
export function runValuesIn(value: unknown, found: RunValue[] = []): RunValue[] {
  if (value instanceof RunValue) found.push(value);
  else if (Array.isArray(value)) for (const item of value) runValuesIn(item, found);
  else if (isPlainObject(value)) for (const item of Object.values(value)) runValuesIn(item, found);
  return found;
}

export function expandXComArgs(expand: ExpandSpec): XComArg[] {
  const sources = expand.kind === 'args' ? expand.sources : [expand.source];
  return sources.flatMap(sourceXComArgs);
}

function sourceXComArgs(source: MapSource): XComArg[] {
  switch (source.kind) {
    case 'xcom':
      return [source.arg];
    case 'literal':
      return xcomArgsIn(source.items);
    case 'map':
      return sourceXComArgs(source.source);
    case 'zip':
    case 'concat':
      return source.sources.flatMap(sourceXComArgs);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function createBuilder(state: DagBuildState): DagBuilder {
  return {
    params: runValueRoot('params'),
    conf: runValueRoot('conf') as ConfArg,
    tasks: <A extends object>(defaults: TaskOptions = {}) => taskFactories<A>(state, defaults),
    chain(...items) {
      for (let i = 1; i < items.length; i++) {
        const ups = listOfArgs(items[i - 1]!);
        const downs = listOfArgs(items[i]!);
        if (!(items[i - 1] instanceof XComArg) && !(items[i] instanceof XComArg)) {
          // Two lists side by side pair up one to one, as Airflow's chain does.
          if (ups.length !== downs.length) {
            throw new TypeError(`chain(): neighbouring lists must have the same length, got ${ups.length} and ${downs.length}`);
          }
          ups.forEach((up, k) => state.addEdge(up.taskId, downs[k]!.taskId));
          continue;
        }
        for (const up of ups) for (const down of downs) state.addEdge(up.taskId, down.taskId);
      }
    },
  };
}

function listOfArgs(item: XComArg | readonly XComArg[]): readonly XComArg[] {
  return item instanceof XComArg ? [item] : item;
}

// Imported late to keep the factory proxy in its own file.
import { taskFactories } from './task-factory';
