import { createCipheriv, createHash } from 'node:crypto';
import { sizeClassFor, type SizeClass } from './dag-shape';

/** What every chaos task pushes and returns: who wrote it, and a body of the key's size class. */
export interface ChaosValue {
  readonly run: string;
  readonly taskId: string;
  readonly mapIndex: number;
  /** The attempt that wrote it; 0 for `shared`, which every attempt writes alike. */
  readonly attempt: number;
  readonly key: string;
  readonly body: string;
}

/**
 * Body lengths (characters) per size class, well inside the store's thresholds (inline < 48 KiB, refs from 256 KiB).
 * `huge` is base64 of random bytes, which gzip shrinks by about a quarter: ~5.4 MiB stored, above the worker's
 * 5 MiB multipart threshold.
 */
const BODY_LENGTH: Readonly<Record<SizeClass, readonly [number, number]>> = {
  tiny: [200, 4_000],
  inline: [16_000, 40_000],
  object: [56_000, 160_000],
  ref: [300_000, 900_000],
  huge: [7_300_000, 7_500_000],
};

/**
 * The value attempt `attempt` of (run, task, map index) writes under `key`: a deterministic function of all five,
 * so any reader can recompute what it should see.
 */
export function valueFor(run: string, taskId: string, mapIndex: number, attempt: number, key: string): ChaosValue {
  const writer = key === 'shared' ? 0 : attempt;
  const seed = createHash('sha256').update(JSON.stringify([run, taskId, mapIndex, writer, key])).digest();
  const [min, max] = BODY_LENGTH[sizeClassFor(taskId, mapIndex, key)];
  const length = min + (seed.readUInt32BE(0) % (max - min));
  return { run, taskId, mapIndex, attempt: writer, key, body: randomText(seed, length) };
}

/** Whether `actual` is exactly the value `expected` describes. */
export function sameValue(actual: unknown, expected: ChaosValue): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const a = actual as Partial<ChaosValue>;
  return (
    a.run === expected.run &&
    a.taskId === expected.taskId &&
    a.mapIndex === expected.mapIndex &&
    a.attempt === expected.attempt &&
    a.key === expected.key &&
    a.body === expected.body &&
    Object.keys(a).length === 6
  );
}

export function isChaosValue(value: unknown): value is ChaosValue {
  return typeof value === 'object' && value !== null && typeof (value as ChaosValue).body === 'string';
}

/** `length` characters of base64 from an AES-CTR keystream: fast, deterministic, incompressible beyond base64. */
function randomText(seed: Buffer, length: number): string {
  const cipher = createCipheriv('aes-128-ctr', seed.subarray(0, 16), seed.subarray(16, 32));
  const bytes = cipher.update(Buffer.alloc(Math.ceil((length * 3) / 4) + 3));
  return bytes.toString('base64').slice(0, length);
}
