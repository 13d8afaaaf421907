import { createValueCodec, type ValueCodec } from '../codec/value-codec';
import { openEmbeddedEngine } from '../engines/open-embedded-store';
import { createPostgresEngine } from '../engines/postgres-engine';
import type { SqlEngine } from '../engines/sql-engine';
import { migrate } from '../migrations/migrate';
import { quoteSchema } from '../migrations/schema-name';
import { DirectoryObjectStore } from '../objects/directory-object-store';
import type { ObjectStore } from '../objects/object-store';
import { S3ObjectStore } from '../objects/s3-object-store';
import { storedDigestKey } from '../store/stored-digest-key';
import { XComStore } from '../store/xcom-store';
import type { StoreConfig } from './store-config';

export interface OpenStoreOptions {
  /** Apply pending migrations before returning. @default true */
  readonly migrate?: boolean;
  /** Embedded engine only: serve the store over the Postgres wire protocol so other processes can reach it. */
  readonly shareEmbedded?: boolean;
  /**
   * An engine to use instead of opening one from `config.database`: stores that differ only in codec or object store
   * share its connections. Closing any of them closes it.
   */
  readonly engine?: SqlEngine;
}

/** Builds the engine, object store and codec a configuration describes, and the store over them. */
export async function openXComStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<XComStore> {
  const engine = options.engine ?? (await openEngine(config, options));
  try {
    if (options.migrate ?? true) await migrate(engine, { schema: config.schema });
  } catch (err) {
    await engine.close();
    throw err;
  }
  return new XComStore({
    engine,
    objectStore: openObjectStore(config),
    codec: codecFor(config, engine),
    schema: config.schema,
    inlineThresholdBytes: config.inlineThresholdBytes,
    maxValueBytes: config.maxValueBytes,
    objectGraceMs: config.objectGraceMs,
    defaultRetention: config.retention,
  });
}

/**
 * The value codec a configuration describes (compression, encryption at rest). With encryption, digests are keyed by
 * the store's digest key, read from (or first kept in) `engine`'s schema when a value first needs it.
 */
export function codecFor(config: StoreConfig, engine: SqlEngine): ValueCodec {
  const keyring = config.encryption;
  const schema = quoteSchema(config.schema);
  return createValueCodec({
    compression: config.compression,
    encryption: keyring,
    ...(keyring && { digestKey: () => storedDigestKey(engine, schema, keyring) }),
  });
}

function openEngine(config: StoreConfig, options: OpenStoreOptions): Promise<SqlEngine> {
  const db = config.database;
  if (db.kind === 'postgres') return Promise.resolve(createPostgresEngine({ connectionString: db.connectionString }));
  return openEmbeddedEngine({ dataDir: db.dataDir, share: options.shareEmbedded });
}

function openObjectStore(config: StoreConfig): ObjectStore {
  const objects = config.objects;
  if (objects.kind === 'directory') return new DirectoryObjectStore({ directory: objects.directory });
  return new S3ObjectStore({
    bucket: objects.bucket,
    prefix: objects.prefix,
    endpoint: objects.endpoint,
    region: objects.region,
    forcePathStyle: objects.forcePathStyle,
    credentials: objects.credentials,
  });
}
