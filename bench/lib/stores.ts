import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { S3ObjectStore } from '../../src/objects/s3-object-store';
import { XComStore } from '../../src/store/xcom-store';
import type { S3Settings } from './bench-env';

/** S3ObjectStore's defaults, which the bare multipart upload it is compared with uses too. */
export const STORE_PART_BYTES = 8 * 1024 * 1024;
export const STORE_QUEUE_SIZE = 4;

/** The production pairing: Postgres server rows, objects in S3 (MinIO) under `<prefix>/store`. */
export function postgresS3Store(databaseUrl: string, s3: S3Settings): XComStore {
  return new XComStore({
    engine: createPostgresEngine({ connectionString: databaseUrl }),
    objectStore: new S3ObjectStore({
      bucket: s3.bucket,
      prefix: `${s3.prefix}/store`,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    }),
  });
}

/** Where the bare S3 calls put their objects. */
export function floorKey(s3: S3Settings, series: string, i: number): string {
  return `${s3.prefix}/floor/${series}/${i}`;
}
