/**
 * A value as plain JSON data, for `--output json|ndjson|yaml`: dates as ISO strings, BigInts as decimal strings,
 * bytes as base64, Maps as objects (as [key, value] pairs when a key is not a string), Sets as arrays, and
 * non-finite numbers as strings; `JSON.stringify` would throw on a BigInt and drop the contents of a Map.
 */
export function jsonSafe(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Set) return [...value].map(jsonSafe);
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>)];
    if (entries.every(([key]) => typeof key === 'string')) return objectOf(entries as [string, unknown][]);
    return entries.map(([key, item]) => [jsonSafe(key), jsonSafe(item)]);
  }
  if (Array.isArray(value)) return Array.from(value, jsonSafe);
  return objectOf(Object.entries(value).filter(([, item]) => item !== undefined));
}

function objectOf(entries: readonly [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // defineProperty: a '__proto__' key stays a key instead of setting the prototype.
  for (const [key, item] of entries) Object.defineProperty(out, key, { value: jsonSafe(item), enumerable: true, writable: true, configurable: true });
  return out;
}
