import { types } from 'node:util';
import { toJsonText } from '../../codec/json-value';

/**
 * A stored value as bytes for a stream reader: bytes as they are, anything else as its JSON text (what it was
 * stored as). Used for values that cannot be streamed from the object store as they lie (inline, compressed,
 * encrypted, JSON): they are read whole, then handed out as one chunk.
 */
export function valueBytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (types.isUint8Array(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.from(toJsonText(value), 'utf8');
}
