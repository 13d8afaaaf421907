import { XComIntegrityError } from '../../errors';
import { formatIdentity } from '../identity';
import type { XComEntryMeta } from '../types';
import { OffThreadSha256 } from './off-thread-sha256';
import { InlineSha256, type StreamSha256 } from './stream-sha256';

/**
 * Values at least this large are hashed in the worker thread: hashing 1 GiB takes a core over half a second, which
 * in the reading thread adds to the transfer instead of overlapping it. Below it, a worker's start-up (once) and
 * round trips would cost about what they save.
 */
export const OFF_THREAD_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Passes an object's bytes through while hashing them, and ends with an `XComIntegrityError` instead of ending
 * normally when their size or SHA-256 differs from the entry's: a reader never sees a changed value end well.
 * A reader that stops early (the stream destroyed) drops the hash, in this thread or the worker's.
 */
export async function* verifiedBytes(meta: XComEntryMeta, body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const hash = sha256For(meta.sizeBytes);
  try {
    let bytes = 0;
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      bytes += buffer.byteLength;
      if (bytes > meta.sizeBytes) break; // longer than written: report it now rather than read on
      const wait = hash.update(buffer); // before the yield: a reader that changes a chunk cannot change the digest
      if (wait !== undefined) await wait;
      yield buffer;
    }
    const what = `XCom ${formatIdentity(meta)} (object '${meta.objectKey}')`;
    if (bytes !== meta.sizeBytes) {
      throw new XComIntegrityError(`${what}: the object holds ${bytes > meta.sizeBytes ? 'more than' : `only ${bytes} of`} the ${meta.sizeBytes} bytes written`);
    }
    const digest = await hash.digest();
    if (digest !== meta.digest.toLowerCase()) {
      throw new XComIntegrityError(
        `${what}: digest mismatch, expected sha256 ${meta.digest}, got ${digest}. The stored bytes were changed or corrupted after they were written.`,
      );
    }
  } finally {
    hash.drop();
  }
}

function sha256For(sizeBytes: number): StreamSha256 {
  if (sizeBytes < OFF_THREAD_MIN_BYTES) return new InlineSha256();
  try {
    return new OffThreadSha256();
  } catch {
    return new InlineSha256(); // no thread to be had (a runtime that forbids them): slower, equally verified
  }
}
