import type { SqlEngine } from '../engines/sql-engine';

/** Postgres's OID of `bytea`, which a binary array names as its element type. */
const BYTEA_OID = 17;
/** ndim, flags (has nulls), element type, then one dimension's length and lower bound. */
const HEADER_BYTES = 20;
/** An empty array has no dimension: ndim 0, no nulls, the element type. */
const EMPTY = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, BYTEA_OID]);

/**
 * A `bytea[]` parameter in Postgres's binary array format (what `array_recv` reads), which `pg` sends as is for a
 * Buffer. As text (`{\\x…,\\x…}`, pg's default for an array of Buffers) the server parses every hex digit through
 * `array_in` and `byteain`: about 10–20 µs per KB of value, and twice as slow for bytes that look random (encrypted
 * values) as for JSON text, so a batch of 100 encrypted 1 KB values cost ~2 ms of server time where binary costs ~0.3.
 */
export function byteaArrayParam(values: readonly (Uint8Array | null)[]): Buffer {
  if (values.length === 0) return EMPTY;
  let size = HEADER_BYTES;
  let hasNull = 0;
  for (const value of values) {
    size += 4 + (value === null ? 0 : value.byteLength);
    if (value === null) hasNull = 1;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0);
  out.writeInt32BE(hasNull, 4);
  out.writeInt32BE(BYTEA_OID, 8);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16);
  let at = HEADER_BYTES;
  for (const value of values) {
    if (value === null) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    at = out.writeInt32BE(value.byteLength, at);
    out.set(value, at);
    at += value.byteLength;
  }
  return out;
}

/**
 * How `engine` takes a `bytea[]` parameter: binary through `pg` (a server, or the embedded store's socket, which
 * speaks the same protocol to the same Postgres code); as a JS array on PGlite in process, whose serializers know
 * arrays but would send a Buffer as one `bytea`.
 */
export function byteaArrayFor(engine: Pick<SqlEngine, 'kind'>): ByteaArray {
  return engine.kind === 'postgres' ? byteaArrayParam : asArray;
}

/** Turns a column of values into a `bytea[]` parameter. */
export type ByteaArray = (values: readonly (Uint8Array | null)[]) => unknown;

/** The column as it is: a JS array, which the engine's driver serializes itself. */
export const asArray: ByteaArray = (values) => values;
