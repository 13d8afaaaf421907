import { DeleteBucketCommand, DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { s3ClientFor, type S3Location } from '../../services/s3-bucket';
import type { StoreConfig } from '../../src/config/store-config';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from '../../src/store/limits';

/** A variable startServices must have set. */
export function requiredServiceEnv(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`startServices did not provide ${name}`);
  return value;
}

/** The S3 server startServices started or reused. */
export function s3LocationFrom(env: Record<string, string>): S3Location {
  return {
    endpoint: requiredServiceEnv(env, 'S3_ENDPOINT'),
    accessKeyId: requiredServiceEnv(env, 'S3_ACCESS_KEY_ID'),
    secretAccessKey: requiredServiceEnv(env, 'S3_SECRET_ACCESS_KEY'),
    bucket: requiredServiceEnv(env, 'S3_BUCKET'),
    region: requiredServiceEnv(env, 'S3_REGION'),
  };
}

/**
 * Removes every object under `prefix` in `s3.bucket`, then the bucket itself when asked (matters when S3_ENDPOINT is
 * reused; a MinIO we started goes away whole).
 */
export async function deleteS3Prefix(s3: S3Location, prefix: string, options: { removeBucket?: boolean } = {}): Promise<void> {
  const client = s3ClientFor(s3);
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: s3.bucket, Prefix: prefix })) {
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: keys } }));
    }
    if (options.removeBucket) await client.send(new DeleteBucketCommand({ Bucket: s3.bucket }));
  } finally {
    client.destroy();
  }
}

/** The production pairing the benches measure: Postgres server rows, MinIO objects from 48 KiB, gzip when it pays. */
export function benchStoreConfig(env: { databaseUrl: string; s3: S3Location; storePrefix: string }): StoreConfig {
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
