import { Readable } from 'node:stream';
import { parseEncoding } from '../../codec/value-codec';
import type { SqlEngine } from '../../engines/sql-engine';
import { XComObjectNotFoundError } from '../../errors';
import type { ObjectStore } from '../../objects/object-store';
import { missingObjectError } from '../read-object';
import type { XComEntryMeta } from '../types';
import { valueBytes } from './value-bytes';
import { verifiedBytes } from './verified-bytes';

/**
 * An entry's value as a stream of bytes. Raw bytes in the object store (what a streamed value, or any large
 * `Buffer`, is stored as) stream as they arrive, hashed on the way: a changed object ends the stream with an
 * `XComIntegrityError` rather than a normal end. Anything else (inline, compressed, encrypted, JSON) is read whole
 * by `readValue` and handed out as one chunk: JSON values as their JSON text.
 */
export async function openEntryStream(
  meta: XComEntryMeta,
  engine: SqlEngine,
  objectStore: ObjectStore,
  readValue: () => Promise<unknown>,
): Promise<Readable> {
  const { objectKey } = meta;
  if (objectKey === null || objectStore.getStream === undefined || !isRaw(meta.encoding)) {
    return Readable.from([valueBytes(await readValue())], { objectMode: false });
  }
  let body: AsyncIterable<Uint8Array>;
  try {
    body = await objectStore.getStream(objectKey);
  } catch (err) {
    // The same integrity error (and configuration hint) as a whole read gives for a missing object.
    throw err instanceof XComObjectNotFoundError ? missingObjectError(engine, objectStore, meta, err) : err;
  }
  return Readable.from(verifiedBytes(meta, body), { objectMode: false });
}

function isRaw(encoding: string): boolean {
  const parsed = parseEncoding(encoding);
  return parsed.format === 'bytes' && parsed.compression === undefined && parsed.encryptionKeyId === undefined;
}
