// Pure module (no imports): `dag.conf` and `dag.params` in a DAG's build function, the values of the run a task
// belongs to. Like task outputs they are placeholders when the DAG is built; the runner puts in the run's values.

/** Where a run value comes from: the conf the run was started with, or the DAG's params resolved against it. */
export type RunValueSource = 'conf' | 'params';

/**
 * A run's conf or params, or one key of them (`dag.params.limit`, `dag.conf.get('message')`), as a task argument.
 * Airflow's `{{ params.limit }}` and `{{ dag_run.conf.get('message') }}`. A key the run does not have gives undefined.
 */
export class RunValue<T = unknown> {
  /** Only for the type checker: the value type. */
  declare readonly valueType?: T;

  constructor(
    readonly source: RunValueSource,
    readonly field?: string,
  ) {}

  /** One key of the conf or params (for keys that clash with this object's own members). */
  get(field: string): RunValue<never> {
    if (this.field !== undefined) throw new TypeError(`${this.toString()}.get(): only the conf or params themselves have keys`);
    if (typeof field !== 'string' || field === '') throw new TypeError(`${this.source}.get: key must be a non-empty string, got ${String(field)}`);
    return new RunValue(this.source, field);
  }

  toString(): string {
    return this.field === undefined ? `dag.${this.source}` : `dag.${this.source}.${this.field}`;
  }
}

/** The value a RunValue stands for in a run with these conf and params. */
export function runValueOf(value: RunValue, run: { readonly conf: Readonly<Record<string, unknown>>; readonly params: Readonly<Record<string, unknown>> }): unknown {
  const all = run[value.source];
  return value.field === undefined ? all : all[value.field];
}

// Names that tools probe objects for (test matchers, JSON, inspectors, promises): never taken as keys.
const PROBED = new Set(['then', 'toJSON', 'asymmetricMatch', 'nodeType', 'tagName', 'constructor', 'inspect', 'length']);

/** `dag.conf` / `dag.params`: unknown properties read keys, so `dag.params.limit` is the param `limit`. */
export function runValueRoot(source: RunValueSource): RunValue {
  return new Proxy(new RunValue(source), {
    get(target, property, receiver) {
      if (typeof property !== 'string' || property in target || PROBED.has(property) || /^[$@]{2}/.test(property)) {
        return Reflect.get(target, property, receiver) as unknown;
      }
      return new RunValue(source, property);
    },
  });
}

/** The typed `dag.params`: the whole params object, and each declared param by name. */
export type ParamsArg<P> = RunValue<P> & { readonly [K in Exclude<keyof P & string, keyof RunValue>]-?: RunValue<P[K]> };

/** The untyped `dag.conf` (Airflow's `dag_run.conf` is any dict): it and its keys fit any parameter. */
export type ConfArg = RunValue<never> & { readonly [key: string]: RunValue<never> };
