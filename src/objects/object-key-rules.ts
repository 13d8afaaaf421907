import { XComIdentityError } from '../errors';

/** S3's limit; the directory store keeps the same one so a key valid in one store is valid in the other. */
const MAX_KEY_BYTES = 1024;

/**
 * Rejects keys that could escape a directory root or mean different things in different stores: empty, absolute,
 * `.`/`..` or empty segments, backslashes (a separator on Windows) and NUL. Keys from `objectKeyFor` always pass.
 */
export function assertObjectKey(storeName: string, key: string): void {
  if (typeof key !== 'string' || key === '') throw invalid(storeName, key, 'it is empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw invalid(storeName, key, `it is longer than ${MAX_KEY_BYTES} bytes`);
  assertSegments(storeName, key, key.split('/'));
}

/** A list prefix is a key prefix: its complete segments (before the last `/`) follow the key rules. */
export function assertObjectPrefix(storeName: string, prefix: string): void {
  if (typeof prefix !== 'string') throw invalid(storeName, prefix, 'it is not a string');
  if (prefix === '') return;
  const segments = prefix.split('/');
  const partial = segments.pop() ?? '';
  if (/[\\\0]/.test(partial)) throw invalid(storeName, prefix, 'it contains a backslash or NUL');
  assertSegments(storeName, prefix, segments);
}

function assertSegments(storeName: string, key: string, segments: string[]): void {
  for (const segment of segments) {
    if (segment === '') throw invalid(storeName, key, 'it has an empty segment (leading, trailing or double "/")');
    if (segment === '.' || segment === '..') throw invalid(storeName, key, `it has a "${segment}" segment`);
    if (/[\\\0]/.test(segment)) throw invalid(storeName, key, 'it contains a backslash or NUL');
  }
}

function invalid(storeName: string, key: unknown, reason: string): XComIdentityError {
  return new XComIdentityError('objectKey', `${storeName} rejected object key ${JSON.stringify(key)}: ${reason}`);
}
