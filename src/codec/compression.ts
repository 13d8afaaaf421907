import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants, gunzip, gzip } from 'node:zlib';
import type { Compression } from './encoded-value';

// The callback (thread pool) forms only: the *Sync calls would block the worker's event loop on big values.
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);

/**
 * Brotli's default quality (11) takes minutes on tens of MB. Quality 4 took about twice gzip's default time on
 * 50 MB of JSON (≈1 s) and produced output a quarter to a third of gzip's size.
 */
const BROTLI_QUALITY = 4;

export async function compress(bytes: Uint8Array, algorithm: Compression): Promise<Buffer> {
  if (algorithm === 'gzip') return gzipAsync(bytes);
  return brotliAsync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  });
}

export async function decompress(bytes: Uint8Array, algorithm: Compression): Promise<Buffer> {
  return algorithm === 'gzip' ? gunzipAsync(bytes) : unbrotliAsync(bytes);
}

export interface CompressionPolicy {
  readonly algorithm: Compression | 'none';
  /** Inputs smaller than this are stored as they are. */
  readonly compressAboveBytes: number;
}

export const DEFAULT_COMPRESS_ABOVE_BYTES = 1024;

/** Inputs above this size are sampled first, so incompressible data (images, archives) costs little. */
const SAMPLE_ABOVE_BYTES = 256 * 1024;
const SAMPLE_SLICES = 4;
const SAMPLE_SLICE_BYTES = 16 * 1024;
/** The sample must shrink to at most this fraction of its size for the full input to be compressed. */
const SAMPLE_MAX_RATIO = 0.9;

export interface MaybeCompressed {
  readonly bytes: Buffer;
  /** Set only when the stored bytes are compressed. */
  readonly compression?: Compression;
}

/** Compresses when the policy asks for it and the result is strictly smaller; otherwise returns the input. */
export async function compressIfSmaller(bytes: Buffer, policy: CompressionPolicy): Promise<MaybeCompressed> {
  const { algorithm } = policy;
  if (algorithm === 'none' || bytes.length < policy.compressAboveBytes) return { bytes };
  if (bytes.length > SAMPLE_ABOVE_BYTES && !(await sampleShrinks(bytes, algorithm))) return { bytes };
  const compressed = await compress(bytes, algorithm);
  return compressed.length < bytes.length ? { bytes: compressed, compression: algorithm } : { bytes };
}

/** Compresses 64 KiB taken from four spread-out places, so one odd region does not decide for the whole input. */
async function sampleShrinks(bytes: Buffer, algorithm: Compression): Promise<boolean> {
  const stride = Math.floor((bytes.length - SAMPLE_SLICE_BYTES) / (SAMPLE_SLICES - 1));
  const slices: Buffer[] = [];
  for (let i = 0; i < SAMPLE_SLICES; i++) {
    slices.push(bytes.subarray(i * stride, i * stride + SAMPLE_SLICE_BYTES));
  }
  const sample = Buffer.concat(slices);
  const compressed = await compress(sample, algorithm);
  return compressed.length <= sample.length * SAMPLE_MAX_RATIO;
}
