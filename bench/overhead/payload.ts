import { createHash, randomFillSync } from 'node:crypto';

/** Bytes at the start of a large payload that differ per run. */
export const NONCE_BYTES = 16;

const pools = new Map<number, Buffer>();

/**
 * `sizeBytes` of random bytes whose first 16 bytes are `nonceHex`. The random fill happens once per size and the
 * buffer is reused (runs are sequential), so the timed runs do not pay for generating 100 MB; the nonce keeps every
 * run's content distinct, so no content-addressed store (ours or External Storage's) can skip an upload.
 */
export function largePayload(sizeBytes: number, nonceHex: string): Buffer {
  const nonce = Buffer.from(nonceHex, 'hex');
  if (nonce.length !== NONCE_BYTES) throw new Error(`nonce must be ${NONCE_BYTES} bytes of hex`);
  let pool = pools.get(sizeBytes);
  if (!pool) {
    pool = randomFillSync(Buffer.allocUnsafe(sizeBytes));
    pools.set(sizeBytes, pool);
  }
  nonce.copy(pool, 0);
  return pool;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
