import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3ClientFor } from '../../services/s3-bucket';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import { startServices } from '../../services/start-services';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { migrate } from '../../src/migrations/migrate';
import { cleanupStack } from './cleanup-stack';
import { FLOOR_DDL } from './floor-sql';
import { deleteS3Prefix, requiredServiceEnv, s3LocationFrom } from './service-env';

/** MinIO (or the S3 server named by S3_ENDPOINT) and the prefix this run keeps its objects under. */
export interface S3Settings {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  readonly region: string;
  readonly prefix: string;
}

export interface BenchEnv {
  /** Services started or reused, one line each. */
  readonly summary: readonly string[];
  /** The scratch database, migrated, with the floor table beside the store's schema. */
  readonly databaseUrl: string;
  readonly s3: S3Settings;
  /** A temporary directory removed at the end (PGlite data lives here). */
  readonly tmpDir: string;
  /** Releases everything, newest first; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Postgres and MinIO via startServices (reusing DATABASE_URL / S3_ENDPOINT when set), a scratch database created
 * and migrated for this run, and a temp directory. Whatever was set up is torn down if a later step fails.
 */
export async function openBenchEnv(): Promise<BenchEnv> {
  const cleanups = cleanupStack();
  const close = cleanups.close;
  try {
    const services = await startServices({ temporal: false });
    cleanups.push(() => services.stop());
    const env = services.env;
    const adminUrl = requiredServiceEnv(env, 'DATABASE_URL');
    const tag = randomBytes(4).toString('hex');

    const name = `xcom_bench_${tag}`;
    await createDatabase(adminUrl, name);
    cleanups.push(() => dropDatabase(adminUrl, name));
    const url = databaseUrl(adminUrl, name);
    const engine = createPostgresEngine({ connectionString: url, max: 1 });
    try {
      await migrate(engine);
      await engine.exec(FLOOR_DDL);
    } finally {
      await engine.close();
    }

    const tmpDir = await mkdtemp(join(tmpdir(), 'xcom-bench-'));
    cleanups.push(() => rm(tmpDir, { recursive: true, force: true }));

    const s3: S3Settings = { ...s3LocationFrom(env), prefix: `bench-${tag}` };
    cleanups.push(() => deleteS3Prefix(s3, `${s3.prefix}/`));

    return { summary: [...services.summary, `postgres: scratch database ${name}`], databaseUrl: url, s3, tmpDir, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** A path-style client for the bench's S3 server. */
export const s3Client: (s3: S3Settings) => S3Client = s3ClientFor;
