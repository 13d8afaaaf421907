/**
 * One streaming operation in a fresh process (spawned by bench/stream.ts): a streamed set or get of a large value
 * through the store or through the bare S3 client, or a stream past the store's cap. Prints `RESULT <json>` with
 * the time and the RSS growth (peak over the baseline taken just before the operation).
 *
 *   node --expose-gc --require tsx/cjs bench/stream-child.ts <ours-set|bare-set|ours-get|bare-get|ours-cap> <bytes> <run>
 *
 * Environment: BENCH_DATABASE_URL (a migrated database) and BENCH_S3 (the bench's S3Settings as JSON).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { XComTooLargeError } from '../src/errors';
import { XComStore } from '../src/store/xcom-store';
import { s3Client, type S3Settings } from './lib/bench-env';
import { childEnv, gc, peakRss, resetPeak } from './lib/child-measure';
import { identityFor } from './lib/fixtures';
import { floorKey, postgresS3Store, STORE_PART_BYTES, STORE_QUEUE_SIZE } from './lib/stores';

export type StreamMode = 'ours-set' | 'bare-set' | 'ours-get' | 'bare-get' | 'ours-cap';

export interface StreamReport {
  readonly mode: StreamMode;
  readonly sizeBytes: number;
  readonly ms: number;
  /** Peak RSS during the operation minus the RSS just before it (after a full GC). */
  readonly rssGrowthBytes: number;
  /** ours-cap: from the chunk that passed the cap being handed over to the refusal. */
  readonly refusedAfterMs?: number;
}

const SERIES = 'stream';
const MIB = 1024 * 1024;
/** One random MiB handed out again and again: the source costs no CPU and no memory of its own. */
const CHUNK = randomBytes(MIB);

async function* source(bytes: number, onChunk?: (sent: number) => void): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < bytes; ) {
    sent += CHUNK.length;
    onChunk?.(sent);
    yield CHUNK;
  }
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.byteLength;
  return bytes;
}

async function main(): Promise<void> {
  const [mode, sizeArg, runArg] = process.argv.slice(2) as [StreamMode, string, string];
  const size = Number(sizeArg);
  const identity = identityFor(SERIES, Number(runArg));
  const s3 = JSON.parse(childEnv('BENCH_S3')) as S3Settings;
  const databaseUrl = childEnv('BENCH_DATABASE_URL');
  const plain = postgresS3Store(databaseUrl, s3);
  // A cap above the value (the default, 512 MiB, is below a GiB); for the cap case, half the value.
  const maxValueBytes = mode === 'ours-cap' ? size / 2 : 2 * size;
  const store = new XComStore({ engine: plain.engine, objectStore: plain.objectStore, maxValueBytes });
  const client = s3Client(s3);
  const key = floorKey(s3, SERIES, Number(runArg));
  try {
    await store.count({ dagIds: 'bench_dag' }); // connections and lazy modules before the baseline
    await client.config.credentials();
    gc();
    resetPeak();
    const before = process.memoryUsage.rss();
    const start = performance.now();
    let refusedAfterMs: number | undefined;
    switch (mode) {
      case 'ours-set':
        await store.set({ ...identity, value: source(size), attempt: 1 });
        break;
      case 'bare-set':
        await new Upload({
          client,
          params: { Bucket: s3.bucket, Key: key, Body: Readable.from(source(size)) },
          partSize: STORE_PART_BYTES,
          queueSize: STORE_QUEUE_SIZE,
        }).done();
        break;
      case 'ours-get': {
        const record = await store.getStream(identity);
        if (!record || (await drain(record.stream)) !== size) throw new Error('store.getStream: wrong size');
        break;
      }
      case 'bare-get': {
        const response = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
        if ((await drain(response.Body as AsyncIterable<Uint8Array>)) !== size) throw new Error('GetObject: wrong size');
        break;
      }
      case 'ours-cap': {
        let passedAt = 0;
        const endless = source(Number.MAX_SAFE_INTEGER, (sent) => {
          if (passedAt === 0 && sent > size / 2) passedAt = performance.now();
        });
        const failure = await store.set({ ...identity, value: endless, attempt: 1 }).catch((err: unknown) => err);
        if (!(failure instanceof XComTooLargeError)) throw new Error(`expected XComTooLargeError, got ${String(failure)}`);
        refusedAfterMs = performance.now() - passedAt;
        break;
      }
      default:
        throw new Error(`unknown mode ${String(mode)}`);
    }
    const ms = performance.now() - start;
    const report: StreamReport = { mode, sizeBytes: size, ms, rssGrowthBytes: peakRss() - before, refusedAfterMs };
    process.stdout.write(`RESULT ${JSON.stringify(report)}\n`);
  } finally {
    client.destroy();
    await plain.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
