import { endianness } from 'node:os';
import { types } from 'node:util';

/**
 * The tagged JSON forms for values plain JSON cannot represent. A tag is an object whose own `$xcom` key names
 * the type; `v` carries the payload:
 *
 *   {"$xcom":"Date","v":"2024-05-01T12:00:00.000Z"}   v is null for an invalid Date
 *   {"$xcom":"BigInt","v":"-123"}
 *   {"$xcom":"Number","v":"NaN"}                      also "Infinity", "-Infinity", "-0"
 *   {"$xcom":"undefined"}                             an undefined array element or Map value
 *   {"$xcom":"hole"}                                  a missing element of a sparse array
 *   {"$xcom":"Buffer","v":"<base64>"}                 also Uint8Array, ArrayBuffer, DataView, every typed array
 *   {"$xcom":"Map","v":[[key,value],...]}
 *   {"$xcom":"Set","v":[item,...]}
 *   {"$xcom":"Object","v":[[key,value],...]}          a user object that itself has an own "$xcom" key
 *
 * The last form is the escape: every object with an own `$xcom` key in stored JSON is a tag, so user data is
 * never misread.
 */
export const TAG = '$xcom';

export type TagName =
  | 'Date'
  | 'BigInt'
  | 'Number'
  | 'undefined'
  | 'hole'
  | 'Map'
  | 'Set'
  | 'Object'
  | BinaryName;

export interface Tag {
  readonly $xcom: TagName;
  readonly v?: unknown;
}

export const UNDEFINED_TAG: Tag = Object.freeze({ $xcom: 'undefined' });
export const HOLE_TAG: Tag = Object.freeze({ $xcom: 'hole' });

/** Typed arrays by the name their `Symbol.toStringTag` reports (works across realms, unlike instanceof). */
const TYPED_ARRAYS = {
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

type TypedArrayName = keyof typeof TYPED_ARRAYS;
export type BinaryName = TypedArrayName | 'Buffer' | 'ArrayBuffer' | 'DataView';

export function isBinaryName(name: unknown): name is BinaryName {
  return (
    typeof name === 'string' &&
    (name === 'Buffer' || name === 'ArrayBuffer' || name === 'DataView' || Object.hasOwn(TYPED_ARRAYS, name))
  );
}

// The stored byte order is little-endian so values move between hosts; only big-endian hosts (s390x) swap.
const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

function swapped(bytes: Buffer, width: number): Buffer {
  if (HOST_IS_LITTLE_ENDIAN || width === 1) return bytes;
  const copy = Buffer.from(bytes);
  if (width === 2) copy.swap16();
  else if (width === 4) copy.swap32();
  else copy.swap64();
  return copy;
}

/** Tags an ArrayBuffer or any ArrayBufferView (Buffer, typed arrays, DataView); returns undefined for others. */
export function tagBinary(value: object, isBuffer: boolean): Tag | undefined {
  if (types.isArrayBuffer(value)) {
    return { $xcom: 'ArrayBuffer', v: Buffer.from(value).toString('base64') };
  }
  if (!ArrayBuffer.isView(value)) return undefined;
  const name: unknown = isBuffer ? 'Buffer' : (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (!isBinaryName(name) || name === 'ArrayBuffer') return undefined;
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const width = 'BYTES_PER_ELEMENT' in value ? Number(value.BYTES_PER_ELEMENT) : 1;
  return { $xcom: name, v: swapped(bytes, width).toString('base64') };
}

/** Rebuilds a binary value from its tag; returns undefined when the payload cannot be that type. */
export function untagBinary(name: BinaryName, base64: string): unknown {
  const bytes = Buffer.from(base64, 'base64');
  if (name === 'Buffer') return bytes;
  // A fresh ArrayBuffer: Buffer.from may hand out a slice of a shared pool, and wider typed arrays need alignment.
  const buffer = new ArrayBuffer(bytes.length);
  const view = new Uint8Array(buffer);
  if (name === 'ArrayBuffer') {
    view.set(bytes);
    return buffer;
  }
  if (name === 'DataView') {
    view.set(bytes);
    return new DataView(buffer);
  }
  const Constructor = TYPED_ARRAYS[name];
  if (bytes.length % Constructor.BYTES_PER_ELEMENT !== 0) return undefined;
  view.set(swapped(bytes, Constructor.BYTES_PER_ELEMENT));
  return new Constructor(buffer);
}
