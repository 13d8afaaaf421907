import { types } from 'node:util';
import { HOLE_TAG, TAG, type Tag, tagBinary, UNDEFINED_TAG } from './json-tags';

const { getPrototypeOf, hasOwn } = Object;
const OBJECT_PROTOTYPE = Object.prototype;

/** Thrown by the replacer for a value that has no JSON form; the slow walker turns it into a located error. */
export class Unsupported extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

/** A number JSON writes exactly: finite and not -0. */
function isPlainNumber(n: number): boolean {
  return n === n && n !== Infinity && n !== -Infinity && (n !== 0 || 1 / n > 0);
}

/** Object.prototype of this or another realm (vm contexts), or no prototype at all. */
export function isPlainPrototype(proto: unknown): boolean {
  return proto === OBJECT_PROTOTYPE || proto === null || (proto !== undefined && getPrototypeOf(proto) === null);
}

/**
 * True when `JSON.stringify(value)` alone already produces our format: only strings, finite numbers (not -0),
 * booleans, null, dense arrays and plain objects without `$xcom` keys or `toJSON`. This scan costs a fraction of
 * JSON.stringify, while a replacer function roughly doubles it, so plain values take the fast path.
 * Cycles overflow the stack here; the caller treats that as "not plain".
 */
export function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return isPlainNumber(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        if ((value as { toJSON?: unknown }).toJSON !== undefined) return false;
        // Holes and undefined elements read as undefined, which is not plain.
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i])) return false;
        return true;
      }
      const proto: unknown = getPrototypeOf(value);
      if (proto !== OBJECT_PROTOTYPE && proto !== null) return false;
      if (hasOwn(value, TAG) || 'toJSON' in value) return false;
      for (const key in value) {
        const child = (value as Record<string, unknown>)[key];
        // JSON drops undefined properties, and so do we.
        if (child !== undefined && !isPlainJson(child)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * The JSON.stringify replacer that writes tags. JSON.stringify has already applied `toJSON` to `value`, so the
 * holder's `this[key]` is consulted for the raw value where toJSON would lose the type (Date → string or null,
 * Buffer → {type, data}).
 */
export function tagReplacer(this: unknown, key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string': {
      const raw = (this as Record<string, unknown>)[key];
      return raw === value || !types.isDate(raw) ? value : tagDate(raw);
    }
    case 'number':
      return isPlainNumber(value) ? value : tagNumber(value);
    case 'boolean':
      return value;
    case 'object': {
      const raw = (this as Record<string, unknown>)[key];
      // An invalid Date's toJSON() returns null.
      if (value === null) return raw === null || !types.isDate(raw) ? null : tagDate(raw);
      return encodeObject(raw, value);
    }
    case 'undefined':
      // Array slots keep undefined (JSON would write null); object properties are dropped, as JSON does.
      if (!Array.isArray(this)) return undefined;
      return key in this ? UNDEFINED_TAG : HOLE_TAG;
    case 'bigint':
      return { $xcom: 'BigInt', v: value.toString() } satisfies Tag;
    default:
      throw new Unsupported(describeType(value));
  }
}

function encodeObject(raw: unknown, value: object): unknown {
  if (Array.isArray(value)) return value;
  if (isPlainPrototype(getPrototypeOf(value))) {
    // A plain object that is not the raw value came from toJSON; Buffer's toJSON must not win over bytes.
    if (raw !== value && typeof raw === 'object' && raw !== null && ArrayBuffer.isView(raw)) {
      const binary = tagBinary(raw, Buffer.isBuffer(raw));
      if (binary) return binary;
    }
    if (!hasOwn(value, TAG)) return value;
    const entries = Object.entries(value).filter((entry) => entry[1] !== undefined);
    return { $xcom: 'Object', v: entries } satisfies Tag;
  }
  if (types.isDate(value)) return tagDate(value);
  if (types.isMap(value)) return { $xcom: 'Map', v: Array.from(value) } satisfies Tag;
  if (types.isSet(value)) return { $xcom: 'Set', v: Array.from(value) } satisfies Tag;
  const binary = tagBinary(value, Buffer.isBuffer(value));
  if (binary) return binary;
  if (types.isBoxedPrimitive(value) && !types.isSymbolObject(value)) {
    return unbox(value);
  }
  throw new Unsupported(describeType(value));
}

/** new Number(NaN) and friends: serialize the primitive inside, with the same rules as a bare primitive. */
function unbox(box: { valueOf(): unknown }): unknown {
  const primitive = box.valueOf();
  if (typeof primitive === 'number' && !isPlainNumber(primitive)) return tagNumber(primitive);
  if (typeof primitive === 'bigint') return { $xcom: 'BigInt', v: primitive.toString() } satisfies Tag;
  return primitive;
}

function tagDate(date: Date): Tag {
  const time = date.getTime();
  return { $xcom: 'Date', v: time === time ? date.toISOString() : null };
}

function tagNumber(n: number): Tag {
  return { $xcom: 'Number', v: Object.is(n, -0) ? '-0' : String(n) };
}

/** Names a value's type for error messages: `a function (load)`, `a symbol (Symbol(id))`, `an instance of Pool`. */
export function describeType(value: unknown): string {
  if (typeof value === 'function') return value.name ? `a function (${value.name})` : 'an anonymous function';
  if (typeof value === 'symbol') return `a symbol (${value.toString()})`;
  if (typeof value !== 'object' || value === null) return `a ${typeof value}`;
  if (types.isSymbolObject(value)) return 'a boxed symbol';
  const proto: unknown = getPrototypeOf(value);
  const constructor = (proto as { constructor?: unknown } | null)?.constructor;
  const name = typeof constructor === 'function' && constructor.name ? constructor.name : undefined;
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return `an instance of ${name ?? tag}`;
}
