import { TAG, type Tag } from './json-tags';
import { tagReplacer, Unsupported } from './json-encode';

/** Where serialization fails and why. */
export type SerializationProblem =
  /** A value with no JSON form; `what` names its type, e.g. `a function (load)`. */
  | { readonly kind: 'type'; readonly path: string; readonly what: string }
  /** The value at `path` is the same object as the enclosing value at `refersTo`. */
  | { readonly kind: 'cycle'; readonly path: string; readonly refersTo: string }
  /** A getter or toJSON() threw while reading the value at `path`. */
  | { readonly kind: 'threw'; readonly path: string; readonly what: string };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `.rows` for identifier-like keys, `["weird key"]` for the rest. */
export function propertyPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Map values are addressed by key when the key prints unambiguously, otherwise by position. */
function mapValuePath(parent: string, key: unknown, index: number): string {
  if (typeof key === 'string' || typeof key === 'boolean' || (typeof key === 'number' && Number.isFinite(key))) {
    return `${parent}.get(${JSON.stringify(key)})`;
  }
  return `${parent}.values()[${index}]`;
}

/**
 * Finds the first value JSON.stringify with our replacer rejects, in the order it would visit them, and its path.
 * Only runs after the fast path failed, so it favours clarity over speed. It mirrors JSON.stringify exactly (toJSON
 * first, then the replacer, cycles checked on what gets serialized) by calling the same replacer.
 */
export function findProblem(root: unknown): SerializationProblem | undefined {
  // Containers on the current path, with their paths: a repeat is a cycle.
  const ancestors = new Map<object, string>();

  // `holder` is what JSON.stringify would pass the replacer as `this`: the object or array that holds `key`.
  const visit = (holder: object, key: string, path: string): SerializationProblem | undefined => {
    let value: unknown;
    try {
      value = (holder as Record<string, unknown>)[key];
    } catch (error) {
      return { kind: 'threw', path, what: `its getter threw: ${errorMessage(error)}` };
    }
    if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        try {
          value = toJSON.call(value, key);
        } catch (error) {
          return { kind: 'threw', path, what: `its toJSON() threw: ${errorMessage(error)}` };
        }
      }
    }
    let out: unknown;
    try {
      out = tagReplacer.call(holder, key, value);
    } catch (error) {
      if (error instanceof Unsupported) return { kind: 'type', path, what: error.what };
      throw error;
    }
    if (typeof out !== 'object' || out === null) return undefined;

    const tag = Object.hasOwn(out, TAG) && out !== value ? (out as Tag).$xcom : undefined;
    if (tag !== undefined && tag !== 'Map' && tag !== 'Set' && tag !== 'Object') return undefined;
    const container = value as object;
    const seen = ancestors.get(container);
    if (seen !== undefined) return { kind: 'cycle', path, refersTo: seen };
    ancestors.set(container, path);
    try {
      return visitChildren(out, tag, path);
    } finally {
      ancestors.delete(container);
    }
  };

  const visitChildren = (out: object, tag: string | undefined, path: string): SerializationProblem | undefined => {
    if (tag === 'Map' || tag === 'Object') {
      // [key, value] pairs; an escaped object's keys are strings and cannot fail.
      const entries = (out as Tag).v as unknown[][];
      for (const [i, entry] of entries.entries()) {
        const problem =
          tag === 'Map'
            ? (visit(entry, '0', `${path}.keys()[${i}]`) ?? visit(entry, '1', mapValuePath(path, entry[0], i)))
            : visit(entry, '1', propertyPath(path, String(entry[0])));
        if (problem) return problem;
      }
      return undefined;
    }
    const items = tag === 'Set' ? ((out as Tag).v as unknown[]) : Array.isArray(out) ? out : undefined;
    if (items) {
      for (let i = 0; i < items.length; i++) {
        const problem = visit(items, String(i), tag === 'Set' ? `${path}.values()[${i}]` : `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    for (const key of Object.keys(out)) {
      const problem = visit(out, key, propertyPath(path, key));
      if (problem) return problem;
    }
    return undefined;
  };

  return visit({ '': root }, '', '$');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
