// Pure module (no imports but src/dag): references to task outputs, as Airflow's XComArg.
import type { MapSource } from './spec';

/** What an XComArg needs from the DAG being built: recording edges and map functions. */
export interface DagGraph {
  addEdge(upstream: string, downstream: string): void;
  registerMapFunction(fn: (item: unknown) => unknown): number;
}

/**
 * The output of a task under one key (Airflow's XComArg). Passing it to another task makes its task upstream and
 * hands the task the value; `.get('key')` (or `output.key`) reads a `multipleOutputs` key.
 */
// `any` by default: an output whose type nobody declared (`get('key')`, a custom key) may feed any parameter.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class XComArg<T = any> {
  /** Never set: carries the output's type, so a task output cannot feed a parameter of another type. */
  declare readonly __value?: T;

  constructor(
    readonly taskId: string,
    readonly key: string,
    private readonly graph: DagGraph,
  ) {}

  /** The XCom `key` of the same task (Airflow's `output['key']`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a key's type is whatever the caller says
  get<V = any>(key: string): XComArg<V> {
    if (typeof key !== 'string' || key === '') throw new TypeError(`XComArg.get: key must be a non-empty string, got ${String(key)}`);
    return new XComArg<V>(this.taskId, key, this.graph);
  }

  /** Sets downstream tasks (Airflow's `>>`) and returns the last of them for chaining. */
  then<D extends XComArg | readonly XComArg[]>(...downstream: D[]): D {
    // `await output` calls then(resolve, reject): fail that loudly instead of adding edges to `undefined` and hanging.
    const bad = downstream.flatMap((next) => listOf<unknown>(next)).find((task) => !(task instanceof XComArg));
    if (bad !== undefined || downstream.length === 0) {
      throw new TypeError(
        `then() takes task outputs (or lists of them) to run after task '${this.taskId}', got ${typeof bad === 'function' ? 'a function' : describe(bad)}; ` +
          'a task output is not a promise: do not await it in a DAG build function',
      );
    }
    for (const next of downstream) for (const task of listOf(next)) this.graph.addEdge(this.taskId, task.taskId);
    return downstream[downstream.length - 1]!;
  }

  /** Applies `fn` to each item lazily, inside the downstream task (Airflow's `.map`). Only for `expand`. */
  map(fn: (item: never) => unknown): MapInput {
    return mapInputOf({ kind: 'xcom', arg: this }, this.graph).map(fn);
  }

  /** Pairs items with other lists (Airflow's `.zip`): shortest, or longest padded with `fillValue`. */
  zip(...others: (MapInputLike | { fillValue: unknown })[]): MapInput {
    return mapInputOf({ kind: 'xcom', arg: this }, this.graph).zip(...others);
  }

  /** Items of this list, then of the others (Airflow's `.concat`). */
  concat(...others: MapInputLike[]): MapInput {
    return mapInputOf({ kind: 'xcom', arg: this }, this.graph).concat(...others);
  }

  toString(): string {
    return `XComArg(${this.taskId}, ${this.key})`;
  }
}

/** What `expand` accepts: a literal list, a task output, or a mapped/zipped/concatenated input. */
export type MapInputLike = readonly unknown[] | XComArg | MapInput;

/** A derived list for `expand`: the result of `.map`, `.zip` or `.concat`. */
export class MapInput {
  constructor(
    readonly source: MapSource,
    private readonly graph: DagGraph,
  ) {}

  map(fn: (item: never) => unknown): MapInput {
    if (typeof fn !== 'function') throw new TypeError('map() argument must be a plain function');
    if ((fn as unknown as Record<symbol, unknown>)[Symbol.for('temporal-xcom.taskFactory')]) {
      throw new TypeError('map() argument must be a plain function, not a task');
    }
    const fnId = this.graph.registerMapFunction(fn as (item: unknown) => unknown);
    return new MapInput({ kind: 'map', source: this.source, fnId, fn: fn as (item: unknown) => unknown }, this.graph);
  }

  zip(...others: (MapInputLike | { fillValue: unknown })[]): MapInput {
    const last = others[others.length - 1];
    const fill = last !== undefined && isFillOption(last) ? last : undefined;
    const lists = (fill ? others.slice(0, -1) : others) as MapInputLike[];
    if (lists.length === 0) throw new TypeError('zip() needs at least one other list');
    return new MapInput(
      {
        kind: 'zip',
        sources: [this.source, ...lists.map((l) => toMapSource(l, this.graph))],
        longest: fill !== undefined,
        fillValue: fill?.fillValue,
      },
      this.graph,
    );
  }

  concat(...others: MapInputLike[]): MapInput {
    if (others.length === 0) throw new TypeError('concat() needs at least one other list');
    return new MapInput({ kind: 'concat', sources: [this.source, ...others.map((l) => toMapSource(l, this.graph))] }, this.graph);
  }
}

function mapInputOf(source: MapSource, graph: DagGraph): MapInput {
  return new MapInput(source, graph);
}

export function toMapSource(input: MapInputLike, _graph: DagGraph): MapSource {
  if (input instanceof XComArg) return { kind: 'xcom', arg: input };
  if (input instanceof MapInput) return input.source;
  if (Array.isArray(input)) return { kind: 'literal', items: input };
  throw new TypeError(`expand() needs a list, a task output, or a .map/.zip/.concat of them; got ${describe(input)}`);
}

function isFillOption(value: unknown): value is { fillValue: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof XComArg) && !(value instanceof MapInput) && 'fillValue' in value;
}

export function listOf<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value.constructor as { name?: string } | undefined)?.name ?? 'object';
  return typeof value;
}
