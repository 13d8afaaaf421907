import { randomBytes } from 'node:crypto';
import { DeleteBucketCommand, DeleteObjectsCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import { ensureBucket, s3ClientFor, type S3Location } from '../../services/s3-bucket';
import { startServices } from '../../services/start-services';
import type { StoreConfig } from '../../src/config/store-config';

/** Everything the overhead bench runs against; `close()` undoes what was set up, newest first. */
export interface OverheadEnv {
  readonly summary: readonly string[];
  readonly temporalAddress: string;
  /** The scratch database this run creates and drops. */
  readonly databaseUrl: string;
  /** The S3 server, and the bucket the XCom store writes to (under `storePrefix`). */
  readonly s3: S3Location;
  readonly storePrefix: string;
  /** A bucket of its own for Temporal's External Storage (its keys have no prefix), removed at the end. */
  readonly externalStorageBucket: string;
  close(): Promise<void>;
}

/**
 * Temporal, MinIO and Postgres from startServices (reused from TEMPORAL_ADDRESS, S3_ENDPOINT and DATABASE_URL when
 * set), a scratch database, and a scratch bucket. Whatever was set up is torn down if a later step fails.
 */
export async function openOverheadEnv(): Promise<OverheadEnv> {
  const cleanups: (() => Promise<unknown>)[] = [];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const errors: unknown[] = [];
      for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => errors.push(err));
      if (errors.length > 0) throw new AggregateError(errors, 'bench cleanup failed');
    })());
  try {
    const services = await startServices();
    cleanups.push(() => services.stop());
    const env = services.env;
    const tag = randomBytes(4).toString('hex');

    const adminUrl = required(env, 'DATABASE_URL');
    const name = `xcom_bench_overhead_${tag}`;
    await createDatabase(adminUrl, name);
    cleanups.push(() => dropDatabase(adminUrl, name));

    const s3: S3Location = {
      endpoint: required(env, 'S3_ENDPOINT'),
      accessKeyId: required(env, 'S3_ACCESS_KEY_ID'),
      secretAccessKey: required(env, 'S3_SECRET_ACCESS_KEY'),
      bucket: required(env, 'S3_BUCKET'),
      region: required(env, 'S3_REGION'),
    };
    const storePrefix = `bench-overhead-${tag}`;
    // Matters when S3_ENDPOINT is reused; a MinIO we started goes away whole with services.stop().
    cleanups.push(() => emptyBucket(s3, s3.bucket, `${storePrefix}/`));
    const externalStorageBucket = `xcom-bench-es-${tag}`;
    await ensureBucket({ ...s3, bucket: externalStorageBucket });
    cleanups.push(() => emptyBucket(s3, externalStorageBucket, '', true));

    return {
      summary: [...services.summary, `postgres: scratch database ${name}`, `s3: scratch bucket ${externalStorageBucket}`],
      temporalAddress: required(env, 'TEMPORAL_ADDRESS'),
      databaseUrl: databaseUrl(adminUrl, name),
      s3,
      storePrefix,
      externalStorageBucket,
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** The plugin's store as the brief fixes it: Postgres server rows, MinIO objects from 48 KiB, gzip when it pays. */
export function benchStoreConfig(env: OverheadEnv): StoreConfig {
  return {
    database: { kind: 'postgres', connectionString: env.databaseUrl },
    objects: {
      kind: 's3',
      bucket: env.s3.bucket,
      prefix: env.storePrefix,
      endpoint: env.s3.endpoint,
      region: env.s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: env.s3.accessKeyId, secretAccessKey: env.s3.secretAccessKey },
    },
    schema: 'xcom',
    inlineThresholdBytes: 49152,
    maxValueBytes: 512 * 1024 * 1024,
    compression: 'gzip',
  };
}

async function emptyBucket(s3: S3Location, bucket: string, prefix: string, removeBucket = false): Promise<void> {
  const client: S3Client = s3ClientFor(s3);
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    if (removeBucket) await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

function required(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`startServices did not provide ${name}`);
  return value;
}
