import { types } from 'node:util';

/**
 * A value given as a stream of bytes: a Node `Readable` or any async iterable of `Uint8Array` chunks (a chunk of
 * anything else fails the write, naming it). Stored as raw bytes (encoding `bytes`) and, when large, streamed to
 * the object store as it arrives.
 */
export type ByteSource = AsyncIterable<Uint8Array>;

/**
 * Whether `value` is a byte stream rather than a value to serialize: anything async-iterable (no JSON value is).
 * `Readable.from([buffer, …])` is in object mode yet yields bytes, so the mode does not decide; the chunks do.
 */
export function isByteSource(value: unknown): value is ByteSource {
  if (typeof value !== 'object' || value === null || types.isUint8Array(value) || Array.isArray(value)) return false;
  return typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}
