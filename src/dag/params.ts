// Pure module (no imports but src/dag and src/masking): a DAG's `params`, Airflow's `Param`, and how a run's conf becomes them.
import { defaultMask, MASKED_TEXT } from '../masking/sensitive-names';
import { isPlainObject } from './dag-builder';

/** JSON Schema type names, as Airflow's `Param(type=...)` takes them. */
export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

/** The TypeScript type a JSON Schema type name stands for. */
export type ParamTypeOf<N extends ParamType> = N extends 'string'
  ? string
  : N extends 'number' | 'integer'
    ? number
    : N extends 'boolean'
      ? boolean
      : N extends 'array'
        ? unknown[]
        : N extends 'object'
          ? Record<string, unknown>
          : null;

/** The JSON Schema keywords a param is checked against (the ones Airflow DAGs use most). */
export interface ParamSchema {
  readonly type?: ParamType | readonly ParamType[];
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A regular expression the whole string must match. */
  readonly pattern?: string;
  readonly description?: string;
}

/** A declared param: a schema and, unless the param is required, a default (Airflow's `Param`). */
export class Param<T = unknown> {
  /** Only for the type checker: the value type. */
  declare readonly valueType?: T;

  constructor(
    readonly schema: ParamSchema,
    readonly hasDefault: boolean,
    readonly defaultValue?: T,
  ) {}
}

/**
 * Declares a param with a schema, Airflow's `Param(default, type=..., minimum=...)`. Without `default` the param is
 * required: each run's conf must give it. The type follows `type` (`'integer'` → number) or the default.
 *
 * ```ts
 * defineDag({ dagId: 'report', params: { limit: param({ type: 'integer', default: 10, minimum: 1 }), title: 'Daily' } }, …)
 * ```
 */
export function param<const N extends ParamType>(options: ParamSchema & { readonly type: N | readonly N[]; readonly default?: ParamTypeOf<N> }): Param<ParamTypeOf<N>>;
export function param<T>(options: ParamSchema & { readonly default: T }): Param<T>;
export function param(options: ParamSchema & { readonly default?: unknown }): Param {
  const { default: value, ...schema } = options;
  return new Param(schema, 'default' in options, value);
}

/** A DAG's `params`: each a `Param`, or a plain default value (any value of its type passes). */
export type ParamsSpec = Readonly<Record<string, unknown>>;

/** The value types of declared params: a `Param<T>` gives T, a plain default its own type. */
export type ParamValues<S> = { readonly [K in keyof S]: S[K] extends Param<infer V> ? V : S[K] };

/** A param as a Param, whether declared with `param()` or as a plain default. */
export function asParam(value: unknown): Param {
  return value instanceof Param ? value : new Param({}, true, value);
}

/** What is wrong with a param's value; undefined when it passes its schema. */
export function paramValueProblem(name: string, schema: ParamSchema, value: unknown): string | undefined {
  const at = `param '${name}'`;
  // Problems end up in errors, logs and Temporal's history: a sensitive param's value is never shown there.
  const describe = defaultMask([name]) ? describeMasked : describeValue;
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (types.length > 0 && !types.some((type) => hasType(value, type))) return `${at} must be ${types.join(' or ')}, got ${describe(value)}`;
  if (schema.enum && !schema.enum.some((allowed) => sameJson(allowed, value))) {
    return `${at} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${at} must be at least ${schema.minimum}, got ${describe(value)}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `${at} must be at most ${schema.maximum}, got ${describe(value)}`;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `${at} must be at least ${schema.minLength} characters long, got ${describe(value)}`;
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `${at} must be at most ${schema.maxLength} characters long, got ${value.length}`;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `${at} must match /${schema.pattern}/, got ${describe(value)}`;
  }
  return undefined;
}

/** Problems with the `params` option itself, found when the DAG is defined: bad schemas and defaults. */
export function paramSpecProblems(spec: unknown, scheduled: boolean): string[] {
  if (spec === undefined) return [];
  if (!isPlainObject(spec)) return [`params must be an object of params, got ${describeValue(spec)}`];
  const problems: string[] = [];
  for (const [name, declared] of Object.entries(spec)) {
    const p = asParam(declared);
    const schemaProblem = schemaProblemOf(p.schema);
    if (schemaProblem) problems.push(`param '${name}': ${schemaProblem}`);
    else if (p.hasDefault) {
      const problem = paramValueProblem(name, p.schema, p.defaultValue);
      if (problem) problems.push(`default of ${problem}`);
    } else if (scheduled) {
      // Airflow's rule too: a scheduled run has no conf to give a required param.
      problems.push(`param '${name}' has no default, so scheduled runs could not start: give it a default or drop the schedule`);
    }
  }
  return problems;
}

/**
 * A run's params: the declared defaults, overridden by every key of the run's conf (Airflow's
 * `dag_run_conf_overrides_params`), each declared param checked against its schema. Problems list every param
 * that is missing or invalid.
 */
export function resolveParams(spec: ParamsSpec | undefined, conf: unknown): { params: Record<string, unknown>; problems: string[] } {
  if (conf !== undefined && conf !== null && !isPlainObject(conf)) return { params: {}, problems: [`conf must be an object, got ${describeValue(conf)}`] };
  const given = (conf ?? {});
  const params: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, declared] of Object.entries(spec ?? {})) {
    const p = asParam(declared);
    if (Object.hasOwn(given, name)) params[name] = given[name];
    else if (p.hasDefault) params[name] = p.defaultValue;
    else {
      problems.push(`param '${name}' is required and has no default: give it in the run's conf`);
      continue;
    }
    const problem = paramValueProblem(name, p.schema, params[name]);
    if (problem) problems.push(problem);
  }
  for (const [key, value] of Object.entries(given)) if (!Object.hasOwn(params, key)) params[key] = value;
  return { params, problems };
}

function hasType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    case 'null':
      return value === null;
  }
}

const PARAM_TYPES: readonly ParamType[] = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];

function schemaProblemOf(schema: ParamSchema): string | undefined {
  const types: unknown = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  const bad: unknown = Array.isArray(types) ? (types as unknown[]).find((t) => !PARAM_TYPES.includes(t as ParamType)) : schema.type;
  if (bad !== undefined) return `type ${describeValue(bad)} is not one of ${PARAM_TYPES.join(', ')}`;
  if (schema.pattern !== undefined) {
    try {
      new RegExp(schema.pattern, 'u');
    } catch {
      return `pattern ${describeValue(schema.pattern)} is not a valid regular expression`;
    }
  }
  return undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value !== 'object') return `a ${typeof value}`;
  return isPlainObject(value) ? 'an object' : `a ${value.constructor?.name ?? 'object'}`;
}

/** A sensitive param's value: its type only. */
function describeMasked(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'object') return describeValue(value);
  return `${MASKED_TEXT} (a ${typeof value})`;
}
