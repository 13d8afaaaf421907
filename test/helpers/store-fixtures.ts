import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { createPgliteEngine } from '../../src/engines/pglite-engine';
import type { SqlEngine } from '../../src/engines/sql-engine';
import { migrate } from '../../src/migrations/migrate';
import { DirectoryObjectStore } from '../../src/objects/directory-object-store';
import type { ObjectStore } from '../../src/objects/object-store';
import { S3ObjectStore } from '../../src/objects/s3-object-store';
import { createTestDatabase } from './test-database';
import type { StoreConfig } from '../../src/config/store-config';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from '../../src/store/limits';
import { XComStore } from '../../src/store/xcom-store';

/** Something a test opened and must release in afterAll. */
export interface Opened<T> {
  readonly value: T;
  readonly release: () => Promise<void>;
}

export type EngineKind = 'postgres' | 'pglite';
export type ObjectStoreKind = 'minio' | 'directory';

/** A migrated engine: a clone of the template database, or PGlite in a fresh temporary directory. */
export async function openEngine(kind: EngineKind): Promise<Opened<SqlEngine>> {
  if (kind === 'postgres') {
    const database = await createTestDatabase();
    const engine = createPostgresEngine({ connectionString: database.url });
    return { value: engine, release: async () => (await engine.close(), await database.drop()) };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'xcom-pglite-'));
  const engine = await createPgliteEngine({ dataDir: dir });
  await migrate(engine);
  return { value: engine, release: async () => (await engine.close(), await rm(dir, { recursive: true, force: true })) };
}

/** The real MinIO started by globalSetup (under a prefix of its own), or a fresh temporary directory. */
export async function openObjectStore(kind: ObjectStoreKind): Promise<Opened<ObjectStore>> {
  if (kind === 'minio') {
    const store = new S3ObjectStore(testS3Options());
    return { value: store, release: () => store.close() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'xcom-objects-'));
  const store = new DirectoryObjectStore({ directory: dir });
  return { value: store, release: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run the tests through jest, whose globalSetup starts the services`);
  return value;
}

/** A run id no other test uses, so tests sharing a store never see each other's entries. */
export function uniqueRunId(label = 'run'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

/** A store configuration on a test database and the real MinIO (each caller gets its own key prefix). */
export function testStoreConfig(databaseUrl: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return {
    database: { kind: 'postgres', connectionString: databaseUrl },
    objects: { kind: 's3', ...testS3Options() },
    schema: 'xcom',
    inlineThresholdBytes: DEFAULT_INLINE_THRESHOLD_BYTES,
    maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
    compression: 'gzip',
    ...overrides,
  };
}

/** The MinIO globalSetup started, under a key prefix no other caller uses. */
function testS3Options() {
  return {
    bucket: requiredEnv('S3_BUCKET'),
    prefix: `test-${randomBytes(6).toString('hex')}`,
    endpoint: requiredEnv('S3_ENDPOINT'),
    region: process.env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: requiredEnv('S3_ACCESS_KEY_ID'), secretAccessKey: requiredEnv('S3_SECRET_ACCESS_KEY') },
  };
}

/**
 * A store on `kind` (a clone of the migrated template, or a fresh PGlite) and `objects` for the tests of one describe:
 * opened before them and handed to `use`, released after them.
 */
export function storeForDescribe(kind: EngineKind, objects: ObjectStoreKind, use: (store: XComStore) => void): void {
  let released: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const engine = await openEngine(kind);
    const objectStore = await openObjectStore(objects);
    released = [objectStore.release, engine.release];
    use(new XComStore({ engine: engine.value, objectStore: objectStore.value }));
  });
  afterAll(async () => {
    for (const release of released) await release();
  });
}
