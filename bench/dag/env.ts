import { randomBytes } from 'node:crypto';
import { DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import { s3ClientFor, type S3Location } from '../../services/s3-bucket';
import { startServices } from '../../services/start-services';
import type { StoreConfig } from '../../src/config/store-config';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from '../../src/store/limits';

/** What the DAG bench runs against; `close()` undoes what was set up, newest first, and is safe to call twice. */
export interface DagBenchEnv {
  readonly summary: readonly string[];
  readonly temporalAddress: string;
  /** The scratch database this run creates and drops. */
  readonly databaseUrl: string;
  readonly s3: S3Location;
  /** Where the store's objects go in the bucket (none are expected: every value here is small). */
  readonly storePrefix: string;
  close(): Promise<void>;
}

/**
 * Temporal, MinIO and Postgres from startServices (reused from TEMPORAL_ADDRESS, S3_ENDPOINT and DATABASE_URL when
 * set) and a scratch database. Whatever was set up is torn down if a later step fails.
 */
export async function openDagBenchEnv(): Promise<DagBenchEnv> {
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
    const name = `xcom_bench_dag_${tag}`;
    await createDatabase(adminUrl, name);
    cleanups.push(() => dropDatabase(adminUrl, name));

    const s3: S3Location = {
      endpoint: required(env, 'S3_ENDPOINT'),
      accessKeyId: required(env, 'S3_ACCESS_KEY_ID'),
      secretAccessKey: required(env, 'S3_SECRET_ACCESS_KEY'),
      bucket: required(env, 'S3_BUCKET'),
      region: required(env, 'S3_REGION'),
    };
    const storePrefix = `bench-dag-${tag}`;
    // Matters when S3_ENDPOINT is reused; a MinIO we started goes away whole with services.stop().
    cleanups.push(() => deletePrefix(s3, `${storePrefix}/`));

    return {
      summary: [...services.summary, `postgres: scratch database ${name}`],
      temporalAddress: required(env, 'TEMPORAL_ADDRESS'),
      databaseUrl: databaseUrl(adminUrl, name),
      s3,
      storePrefix,
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** The production pairing: Postgres server rows, MinIO objects from 48 KiB (the defaults), gzip when it pays. */
export function dagBenchStoreConfig(env: DagBenchEnv): StoreConfig {
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
    inlineThresholdBytes: DEFAULT_INLINE_THRESHOLD_BYTES,
    maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
    compression: 'gzip',
  };
}

async function deletePrefix(s3: S3Location, prefix: string): Promise<void> {
  const client = s3ClientFor(s3);
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: s3.bucket, Prefix: prefix })) {
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: keys } }));
    }
  } finally {
    client.destroy();
  }
}

function required(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`startServices did not provide ${name}`);
  return value;
}
