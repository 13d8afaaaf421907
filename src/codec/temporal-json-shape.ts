import { types } from 'node:util';
import { describeType, isPlainJson, isPlainPrototype } from './json-encode';
import { propertyPath } from './json-problem';

/** One place where a value was changed into what Temporal's JSON converter would have sent. */
export interface ShapeChange {
  /** Where in the value, e.g. `$.rows[1].fn`. */
  readonly path: string;
  /** Its type, e.g. `a function (fn)`, `an instance of Greeting`. */
  readonly what: string;
  readonly action: 'dropped' | 'written as null' | 'recorded as its enumerable fields';
}

const OMIT = Symbol('omit');

/**
 * The value as Temporal's default JSON converter would see it, where our stricter codec would otherwise refuse
 * it: instances of classes become their own enumerable fields, functions and symbols are dropped from objects and
 * become null in arrays (JSON.stringify's rules). Everything our codec keeps (Date, Map, Set, binary, BigInt,
 * toJSON) is left alone, as are a top-level function and a value with a cycle, which Temporal refuses too. Returns `value`
 * itself when nothing changed; copies only the containers on the way to a change.
 */
export function toTemporalJsonShape(value: unknown, onChange: (change: ShapeChange) => void): unknown {
  if (plain(value)) return value;
  const ancestors = new Set<object>();
  const changes: ShapeChange[] = [];

  const walk = (node: unknown, path: string, positional: boolean): unknown => {
    if (typeof node === 'function' || typeof node === 'symbol') {
      if (path === '$') return node;
      changes.push({ path, what: describeType(node), action: positional ? 'written as null' : 'dropped' });
      return positional ? null : OMIT;
    }
    if (typeof node !== 'object' || node === null || kept(node)) return node;
    if (ancestors.has(node)) throw new CycleFound();
    ancestors.add(node);
    try {
      if (Array.isArray(node)) return mapItems(node, (item, i) => walk(item, `${path}[${i}]`, true));
      if (types.isMap(node)) {
        const entries = [...node.entries()];
        const shaped = mapItems(entries, ([k, v], i) => {
          const key = walk(k, `${path}.keys()[${i}]`, true);
          const item = walk(v, `${path}.values()[${i}]`, true);
          return key === k && item === v ? entries[i] : [key, item];
        });
        return shaped === entries ? node : new Map(shaped as [unknown, unknown][]);
      }
      if (types.isSet(node)) {
        const items = [...node];
        const shaped = mapItems(items, (item, i) => walk(item, `${path}.values()[${i}]`, true));
        return shaped === items ? node : new Set(shaped);
      }
      const instance = !isPlainPrototype(Object.getPrototypeOf(node));
      if (instance) changes.push({ path, what: describeType(node), action: 'recorded as its enumerable fields' });
      let copy: Record<string, unknown> | undefined = instance ? {} : undefined;
      const keys = Object.keys(node);
      for (const [i, key] of keys.entries()) {
        const child = (node as Record<string, unknown>)[key];
        const shaped = walk(child, propertyPath(path, key), false);
        if (shaped !== child && copy === undefined) copy = Object.fromEntries(keys.slice(0, i).map((k) => [k, (node as Record<string, unknown>)[k]]));
        if (copy !== undefined && shaped !== OMIT) copy[key] = shaped;
      }
      return copy ?? node;
    } finally {
      ancestors.delete(node);
    }
  };

  let shaped: unknown;
  try {
    shaped = walk(value, '$', false);
  } catch {
    // A cycle (Temporal refuses it too), nesting deeper than the stack, a getter that throws: the codec reports
    // each with its path, on the value as given.
    return value;
  }
  changes.forEach(onChange);
  return shaped;
}

class CycleFound extends Error {}

/** Copies `items` only when `fn` changes one of them. */
function mapItems<T>(items: readonly T[], fn: (item: T, index: number) => unknown): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const shaped = fn(items[i] as T, i);
    if (shaped !== items[i] && copy === undefined) copy = items.slice(0, i);
    copy?.push(shaped);
  }
  return copy ?? items;
}

/** Values our codec writes as they are: Dates, binary, boxed primitives, and anything with toJSON. */
function kept(node: object): boolean {
  return (
    types.isDate(node) ||
    ArrayBuffer.isView(node) ||
    types.isArrayBuffer(node) ||
    types.isBoxedPrimitive(node) ||
    typeof (node as { toJSON?: unknown }).toJSON === 'function'
  );
}

function plain(value: unknown): boolean {
  try {
    return isPlainJson(value);
  } catch {
    return false; // a cycle or deep nesting: walk it (cycles are left for the codec to report)
  }
}
