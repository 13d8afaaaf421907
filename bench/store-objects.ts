import { randomBytes } from 'node:crypto';
import type { BenchEnv } from './lib/bench-env';
import { s3Client } from './lib/bench-env';
import { bareGet, barePut } from './lib/bare-s3';
import { compressibleJson, identityFor } from './lib/fixtures';
import { compare, type Comparison } from './lib/measure';
import { floorKey, postgresS3Store } from './lib/stores';

const MIB = 1024 * 1024;

export interface ObjectPlan {
  /** Timed runs (and warm-up runs) per side for the 1 MB values. */
  readonly smallRuns: number;
  readonly smallWarmup: number;
  /** Timed runs per side for the 100 MiB value (one warm-up run each). */
  readonly largeRuns: number;
}

export interface ObjectCase {
  readonly name: string;
  readonly sizeBytes: number;
  readonly set: Comparison;
  readonly get: Comparison;
}

/** A value both sides write, and what a plain client does with it (bench:store --security uses `value` alone). */
export interface Contestants {
  readonly name: string;
  readonly sizeBytes: number;
  /** A value for write `i` (distinct bytes per write, so no two writes share an object). */
  value(i: number): unknown;
  /** What a plain client would upload for that value. */
  bareBytes(i: number): Buffer;
  /** What a plain client does with the bytes it downloaded. */
  bareDecode(bytes: Uint8Array): void;
}

/**
 * Values in MinIO through the Postgres + S3 store, each beside the bare S3 call: random 1 MiB and 100 MiB Buffers
 * (stored as raw bytes) and a compressible ~1 MB JSON value (the bare side uploads its JSON text uncompressed).
 */
export async function benchObjects(env: BenchEnv, plan: ObjectPlan): Promise<ObjectCase[]> {
  const store = postgresS3Store(env.databaseUrl, env.s3);
  const client = s3Client(env.s3);
  const { bucket } = env.s3;
  try {
    const run = async (c: Contestants, runs: number, warmup: number): Promise<ObjectCase> => {
      const series = c.name.replace(/\W+/g, '-');
      const set = await compare(
        async (i) => {
          const [result] = await store.commit([{ ...identityFor(series, i), value: c.value(i), attempt: 1 }]);
          if (!result?.written) throw new Error(`${c.name}: write ${i} was fenced`);
        },
        (i) => barePut(client, bucket, floorKey(env.s3, series, i), c.bareBytes(i)),
        { warmup, iterations: runs, rounds: runs },
      );
      const get = await compare(
        async (i) => {
          if ((await store.get(identityFor(series, i))) === undefined) throw new Error(`${c.name}: read ${i} missed`);
        },
        async (i) => c.bareDecode(await bareGet(client, bucket, floorKey(env.s3, series, i))),
        { warmup, iterations: runs, rounds: runs },
      );
      return { name: c.name, sizeBytes: c.sizeBytes, set, get };
    };

    const cases: ObjectCase[] = [];
    const small = randomBuffer(MIB);
    cases.push(await run(small, plan.smallRuns, plan.smallWarmup));
    cases.push(await run(jsonValue(MIB), plan.smallRuns, plan.smallWarmup));
    cases.push(await run(randomBuffer(100 * MIB), plan.largeRuns, 1));
    return cases;
  } finally {
    client.destroy();
    await store.close();
  }
}

/** One random buffer, stamped with the write's index so every write uploads different bytes. */
export function randomBuffer(size: number): Contestants {
  const bytes = randomBytes(size);
  const stamped = (i: number) => {
    bytes.writeInt32BE(i, 0);
    return bytes;
  };
  return {
    name: `${size >= 100 * MIB ? '100 MiB' : '1 MiB'} random bytes`,
    sizeBytes: size,
    value: stamped,
    bareBytes: stamped,
    bareDecode: () => undefined,
  };
}

export function jsonValue(size: number): Contestants {
  const rows = compressibleJson(size);
  const text = JSON.stringify(rows);
  return {
    name: '1 MB JSON (gzip)',
    sizeBytes: Buffer.byteLength(text),
    value: () => rows,
    bareBytes: () => Buffer.from(JSON.stringify(rows)),
    bareDecode: (bytes) => void JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')),
  };
}
