/**
 * One memory measurement in a fresh process (spawned by store-memory.ts): one set or get of a large value, through
 * the store or the bare S3 client. Prints `RESULT <json>` with the process's RSS before the operation and its peak.
 *
 *   node --expose-gc --require tsx/cjs bench/store-memory-child.ts <ours-set|ours-get|bare-set|bare-get> <bytes> <name>
 *
 * Environment: BENCH_DATABASE_URL (a migrated database) and BENCH_S3 (the bench's S3Settings as JSON).
 */
import { randomBytes } from 'node:crypto';
import type { S3Settings } from './lib/bench-env';
import { s3Client } from './lib/bench-env';
import { bareGet, barePut } from './lib/bare-s3';
import { childEnv, gc, peakRss, resetPeak } from './lib/child-measure';
import { identityFor } from './lib/fixtures';
import { floorKey, postgresS3Store } from './lib/stores';

export type MemoryMode = 'ours-set' | 'ours-get' | 'bare-set' | 'bare-get';

export interface MemoryReport {
  readonly mode: MemoryMode;
  readonly sizeBytes: number;
  /** Resident set just before the operation, after a full GC (a set's value is already allocated). */
  readonly rssBeforeBytes: number;
  /** The resident set's high-water mark after the operation. */
  readonly peakRssBytes: number;
  /**
   * True when the high-water mark was reset to the current RSS just before the operation (Linux: VmHWM via
   * /proc/self/clear_refs), so `peakRssBytes` is the operation's own peak. Otherwise it is the process's lifetime
   * peak (an upper bound; getrusage's maxrss even includes the parent's RSS at fork time).
   */
  readonly exact: boolean;
  readonly ms: number;
}

const SERIES = 'memory';

async function main(): Promise<void> {
  const [mode, sizeArg, indexArg] = process.argv.slice(2) as [MemoryMode, string, string];
  const size = Number(sizeArg);
  const index = Number(indexArg);
  const databaseUrl = childEnv('BENCH_DATABASE_URL');
  const s3 = JSON.parse(childEnv('BENCH_S3')) as S3Settings;
  const store = postgresS3Store(databaseUrl, s3);
  const client = s3Client(s3);
  try {
    const value = mode.endsWith('-set') ? randomBytes(size) : undefined;
    const operation = operationFor(mode, { store, client, s3, value, index });
    // Load the SDK's and pg's lazy modules and open connections before the baseline, with a tiny call.
    await store.count({ dagIds: 'bench_dag' });
    await client.config.credentials();
    gc();
    const exact = resetPeak();
    const rssBeforeBytes = process.memoryUsage.rss();
    const start = process.hrtime.bigint();
    await operation();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const report: MemoryReport = { mode, sizeBytes: size, rssBeforeBytes, peakRssBytes: peakRss(), exact, ms };
    process.stdout.write(`RESULT ${JSON.stringify(report)}\n`);
  } finally {
    client.destroy();
    await store.close();
  }
}

interface Context {
  readonly store: ReturnType<typeof postgresS3Store>;
  readonly client: ReturnType<typeof s3Client>;
  readonly s3: S3Settings;
  readonly value: Buffer | undefined;
  readonly index: number;
}

function operationFor(mode: MemoryMode, ctx: Context): () => Promise<void> {
  const identity = identityFor(SERIES, ctx.index);
  const key = floorKey(ctx.s3, SERIES, ctx.index);
  switch (mode) {
    case 'ours-set':
      return async () => void (await ctx.store.set({ ...identity, value: ctx.value, attempt: 1 }));
    case 'ours-get':
      return async () => {
        const record = await ctx.store.get(identity);
        if (!Buffer.isBuffer(record?.value)) throw new Error('store.get returned no buffer');
      };
    case 'bare-set':
      return () => barePut(ctx.client, ctx.s3.bucket, key, ctx.value!);
    case 'bare-get':
      return async () => void (await bareGet(ctx.client, ctx.s3.bucket, key));
    default:
      throw new Error(`unknown mode ${String(mode)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
