// Pure module (no imports but src/dag): `t.extract(...)`, `t.add.partial(1).expand([2, 3])`, TaskFlow style.
import type { DagBuildState } from './dag-builder';
import type { TaskOptions } from './spec';
import type { RunValue } from './run-value';
import type { MapInput, MapInputLike, XComArg } from './xcom-arg';

/** Values the builder does not look inside for task outputs (only lists and plain objects are searched). */
type Opaque = Date | RegExp | Map<unknown, unknown> | Set<unknown> | ArrayBuffer | ArrayBufferView | ((...args: never[]) => unknown);
/**
 * A task argument: the value itself, or a task output or a run value (`dag.params.limit`) that becomes the value at
 * run time, at any depth of lists and plain objects (`t.load({ rows: t.extract(), table: 'x' })`).
 */
export type Arg<T> =
  | XComArg<T>
  | RunValue<T>
  | (T extends Opaque ? T : T extends readonly unknown[] ? { [I in keyof T]: Arg<T[I]> } : T extends object ? { [K in keyof T]: Arg<T[K]> } : T);
type Args<P extends readonly unknown[]> = { [I in keyof P]: Arg<P[I]> };
/** What `expand` maps over for one parameter: a list (whose items may be task outputs), a task output, or a derived list. */
export type Expandable<T> = readonly Arg<T>[] | XComArg<readonly T[]> | MapInput;
type Expandables<P extends readonly unknown[]> = { [I in keyof P]: Expandable<P[I]> };
/** What `partial` fixes: leading arguments (for `expand`), or some fields of the argument object (for `expandKwargs`). */
type FixedArgs<P extends readonly unknown[]> = Readonly<Partial<Args<P>>> | readonly [Arg<Partial<P[0]>>];
/** The parameters left after the first `F['length']`. */
type Drop<P extends readonly unknown[], F extends readonly unknown[]> = F extends readonly [unknown, ...infer FR]
  ? P extends readonly [unknown?, ...infer PR]
    ? Drop<PR, FR>
    : []
  : P;

/**
 * A task's output, typed by what the task returns: it feeds only parameters of that type. For an object result,
 * `output.someKey` is the XComArg of that `multipleOutputs` key.
 */
export type TaskOutput<R> = XComArg<R> &
  (R extends Record<string, unknown> ? { readonly [K in Exclude<keyof R & string, keyof XComArg>]: XComArg<R[K]> } : unknown);
/** The output of a mapped task: its instances' results as a list, in map index order. */
export type MappedOutput<R> = XComArg<R[]>;

/** The mapped form of a task after `partial(...)`: `expand` maps the remaining parameters `P`. */
export interface PartialTask<P extends readonly unknown[], R, K = P[0]> {
  expand(...sources: Expandables<P>): MappedOutput<R>;
  /** Argument objects merged over the fields `partial` fixed. */
  expandKwargs(source: Expandable<Partial<K>>): MappedOutput<R>;
}

export interface TaskFactory<P extends readonly unknown[], R> {
  (...args: Args<P>): TaskOutput<R>;
  /** The same task with options (task id, retries, trigger rule, …). */
  with(options: TaskOptions): TaskFactory<P, R>;
  /** Fixes leading arguments of a mapped task (Airflow's `partial`); for `expandKwargs`, fixed object fields. */
  partial<const F extends FixedArgs<P>>(...args: F): PartialTask<Drop<P, F>, R, P[0]>;
  /** One task instance per item, or per combination of items for several parameters (cross product). */
  expand(...sources: Expandables<P>): MappedOutput<R>;
  /** One task instance per argument object in the list (Airflow's `expand_kwargs`); each is the first argument. */
  expandKwargs(source: Expandable<P[0]>): MappedOutput<R>;
}

type ActivityFn = (...args: never[]) => Promise<unknown>;
/** A task factory per activity of `A`. */
export type TaskFactories<A extends object> = {
  readonly [K in keyof A & string]: A[K] extends ActivityFn ? TaskFactory<Parameters<A[K]>, Awaited<ReturnType<A[K]>>> : never;
};

export function taskFactories<A extends object>(state: DagBuildState, defaults: TaskOptions): TaskFactories<A> {
  return new Proxy({} as TaskFactories<A>, {
    get(_target, activityType) {
      // `then` would make the factories look like a promise to `await`.
      if (typeof activityType !== 'string' || activityType === 'then' || PROBED.has(activityType)) return undefined;
      return factory(state, activityType, defaults);
    },
  });
}

function factory(state: DagBuildState, activityType: string, options: TaskOptions): TaskFactory<readonly unknown[], unknown> {
  const call = (...args: unknown[]) => state.addTask(activityType, options, args);
  const mapped = (fixed: readonly unknown[]): PartialTask<readonly unknown[], unknown> => ({
    expand: (...sources: MapInputLike[]) => state.addTask(activityType, options, fixed, state.expandSpec('args', sources)),
    expandKwargs: (source: MapInputLike) => state.addTask(activityType, options, fixed, state.expandSpec('kwargs', [source])),
  });
  return Object.assign(call, {
    [TASK_FACTORY]: true,
    with: (more: TaskOptions) => factory(state, activityType, { ...options, ...more }),
    partial: (...fixed: unknown[]) => mapped(fixed),
    expand: (...sources: MapInputLike[]) => mapped([]).expand(...(sources as [])),
    expandKwargs: (source: MapInputLike) => mapped([]).expandKwargs(source as never),
  }) as TaskFactory<readonly unknown[], unknown>;
}

/** Marks task factories, so `.map(t.double)` can be refused: map() takes a plain function. */
export const TASK_FACTORY = Symbol.for('temporal-xcom.taskFactory');

// Names that tools probe objects for (test matchers, JSON, inspectors): never taken as XCom keys.
const PROBED = new Set(['toJSON', 'asymmetricMatch', 'nodeType', 'tagName', 'constructor', 'inspect', 'length']);

/** Wraps an XComArg so that unknown properties read `multipleOutputs` keys (`output.rows`). */
export function taskOutput(arg: XComArg): XComArg {
  return new Proxy(arg, {
    get(target, property, receiver) {
      if (typeof property !== 'string' || property in target || PROBED.has(property) || /^[$@]{2}/.test(property)) {
        return Reflect.get(target, property, receiver) as unknown;
      }
      return target.get(property);
    },
  });
}
