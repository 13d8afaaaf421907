import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Lowercase hex SHA-256. Synchronous on purpose: hashing runs at ~1–2 GB/s (about 25 ms for 45 MB here), cheaper
 * than a hop to the thread pool for the sizes XCom stores.
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Above this, hashing yields to the event loop between slices. */
const YIELD_ABOVE_BYTES = 8 * 1024 * 1024;
const SLICE_BYTES = 4 * 1024 * 1024;

/**
 * {@link sha256Hex} for values of any size without holding the event loop for long: a large buffer is hashed a
 * slice at a time, letting timers run in between (the heartbeats that keep a task with a short heartbeat timeout
 * alive, which a loaded machine would otherwise starve while 100 MB are hashed in one call).
 */
export async function sha256HexYielding(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  await inSlices(bytes, (slice) => hash.update(slice));
  return hash.digest('hex');
}

/**
 * Feeds `bytes` to `update`: in one call when small, else a slice at a time with a turn of the event loop between
 * slices, so hashing, HMACs and ciphers over a large value let heartbeats and other timers run.
 */
export async function inSlices(bytes: Uint8Array, update: (slice: Uint8Array) => void): Promise<void> {
  if (!yieldsWhileFed(bytes)) return update(bytes);
  for (let offset = 0; offset < bytes.byteLength; offset += SLICE_BYTES) {
    update(bytes.subarray(offset, offset + SLICE_BYTES));
    await nextTurn();
  }
}

/**
 * Whether {@link inSlices} would yield for `bytes`. Below this, the codec's hot paths (a small value's digest, seal
 * and open) run synchronously: a promise per step cost more than the HMAC or cipher of a 1 KB value.
 */
export function yieldsWhileFed(bytes: Uint8Array): boolean {
  return bytes.byteLength > YIELD_ABOVE_BYTES;
}
