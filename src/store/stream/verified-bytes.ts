import { createHash } from 'node:crypto';
import { XComIntegrityError } from '../../errors';
import { formatIdentity } from '../identity';
import type { XComEntryMeta } from '../types';

/**
 * Passes an object's bytes through while hashing them, and ends with an `XComIntegrityError` instead of ending
 * normally when their size or SHA-256 differs from the entry's: a reader never sees a changed value end well.
 */
export async function* verifiedBytes(meta: XComEntryMeta, body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += buffer.byteLength;
    if (bytes > meta.sizeBytes) break; // longer than written: report it now rather than read on
    hash.update(buffer);
    yield buffer;
  }
  const what = `XCom ${formatIdentity(meta)} (object '${meta.objectKey}')`;
  if (bytes !== meta.sizeBytes) {
    throw new XComIntegrityError(`${what}: the object holds ${bytes > meta.sizeBytes ? 'more than' : `only ${bytes} of`} the ${meta.sizeBytes} bytes written`);
  }
  const digest = hash.digest('hex');
  if (digest !== meta.digest.toLowerCase()) {
    throw new XComIntegrityError(
      `${what}: digest mismatch, expected sha256 ${meta.digest}, got ${digest}. The stored bytes were changed or corrupted after they were written.`,
    );
  }
}
