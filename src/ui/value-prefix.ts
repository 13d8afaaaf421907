import { createBrotliDecompress, createGunzip, type Gunzip, type BrotliDecompress } from 'node:zlib';
import type { Compression } from '../codec/encoded-value';

/** Reads `length` bytes of the stored value from `start` (fewer at its end). */
export type ReadRange = (start: number, length: number) => Promise<Buffer>;

/** The first bytes of a serialized value, and what it cost to get them. */
export interface ValuePrefix {
  /** Serialized (decompressed) bytes from the start of the value: at most the bytes asked for. */
  readonly bytes: Buffer;
  /** True when `bytes` is the whole serialized value. */
  readonly complete: boolean;
  /** Stored bytes read to get them (compressed bytes for a compressed value). */
  readonly storedBytesRead: number;
}

const FIRST_CHUNK = 16 * 1024;
const LARGEST_CHUNK = 256 * 1024;
/** A compressed value is read until the prefix is there or this much was read (a stream that inflates slowly). */
export const MAX_COMPRESSED_READ = 4 * 1024 * 1024;

/**
 * The first `wanted` serialized bytes of a value stored as `storedBytes` bytes, uncompressed or compressed: range
 * reads from the start, and for a compressed value a streaming decompressor fed chunk by chunk and stopped as soon as
 * it has produced enough (gzip and brotli both decompress from the start of the stream without the rest).
 */
export async function readValuePrefix(read: ReadRange, storedBytes: number, compression: Compression | undefined, wanted: number): Promise<ValuePrefix> {
  if (compression === undefined) {
    const bytes = await read(0, Math.min(wanted, storedBytes));
    return { bytes, complete: bytes.length >= storedBytes, storedBytesRead: bytes.length };
  }
  return inflatePrefix(read, storedBytes, compression, wanted);
}

async function inflatePrefix(read: ReadRange, storedBytes: number, compression: Compression, wanted: number): Promise<ValuePrefix> {
  const inflater: Gunzip | BrotliDecompress = compression === 'gzip' ? createGunzip() : createBrotliDecompress();
  const chunks: Buffer[] = [];
  let produced = 0;
  let finished = false;
  let failure: Error | undefined;
  let wake: () => void = () => undefined;
  inflater.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    produced += chunk.length;
    if (produced >= wanted) wake();
  });
  inflater.on('end', () => ((finished = true), wake()));
  inflater.on('error', (err) => ((failure = err), wake()));
  // Resolves when the decompressor took a chunk, produced enough, ended or failed: whichever comes first.
  const settle = (feed: (done: () => void) => void) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      feed(resolve);
    });

  let offset = 0;
  let chunkSize = FIRST_CHUNK;
  try {
    while (produced < wanted && !finished && !failure && offset < storedBytes && offset < MAX_COMPRESSED_READ) {
      const chunk = await read(offset, Math.min(chunkSize, storedBytes - offset));
      if (chunk.length === 0) break;
      offset += chunk.length;
      chunkSize = Math.min(chunkSize * 2, LARGEST_CHUNK);
      await settle((done) => inflater.write(chunk, () => done()));
    }
    if (produced < wanted && !finished && !failure && offset >= storedBytes) await settle(() => inflater.end());
    if (failure) throw new Error(`cannot decompress the value's ${compression} stream: ${failure.message}`, { cause: failure });
  } finally {
    inflater.destroy();
  }
  const all = Buffer.concat(chunks);
  const complete = finished && all.length <= wanted;
  return { bytes: all.subarray(0, wanted), complete, storedBytesRead: offset };
}
