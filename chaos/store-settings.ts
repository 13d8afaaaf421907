import type { S3Location } from '../services/s3-bucket';
import { createValueCodec } from '../src/codec/value-codec';
import type { StoreConfig } from '../src/config/store-config';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import { S3ObjectStore } from '../src/objects/s3-object-store';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from '../src/store/limits';
import { XComStore } from '../src/store/xcom-store';
import { KillableObjectStore, killableS3Client } from './killable-object-store';

/** Where one chaos invocation keeps its XComs: a database of its own and a key prefix of its own. */
export interface ChaosStoreSettings {
  readonly databaseUrl: string;
  readonly s3: S3Location;
  readonly prefix: string;
}

const SCHEMA = 'xcom';
/** S3's smallest part: a `huge` value (about 5.4 MiB gzipped) goes up in two parts, so it can die half uploaded. */
const MULTIPART_BYTES = 5 * 1024 * 1024;

/** The production defaults (48 KiB inline threshold, gzip), as the harness opens the store to migrate and check it. */
export function chaosStoreConfig(settings: ChaosStoreSettings): StoreConfig {
  const { s3 } = settings;
  return {
    database: { kind: 'postgres', connectionString: settings.databaseUrl },
    objects: {
      kind: 's3',
      bucket: s3.bucket,
      prefix: settings.prefix,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    },
    schema: SCHEMA,
    inlineThresholdBytes: DEFAULT_INLINE_THRESHOLD_BYTES,
    maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
    compression: 'gzip',
  };
}

/**
 * The worker's store: the same configuration, built by hand so the object path can kill the worker (chaos/
 * killable-object-store.ts) and multipart uploads start at 5 MiB instead of 16.
 */
export function openKillableStore(settings: ChaosStoreSettings, objectGraceMs: number): XComStore {
  const { s3 } = settings;
  const client = killableS3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const objects = new S3ObjectStore({
    client,
    bucket: s3.bucket,
    prefix: settings.prefix,
    partSizeBytes: MULTIPART_BYTES,
    multipartThresholdBytes: MULTIPART_BYTES,
  });
  return new XComStore({
    engine: createPostgresEngine({ connectionString: settings.databaseUrl }),
    objectStore: new KillableObjectStore(objects),
    codec: createValueCodec({ compression: 'gzip' }),
    schema: SCHEMA,
    objectGraceMs,
  });
}
