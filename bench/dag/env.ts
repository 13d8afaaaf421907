import { randomBytes } from 'node:crypto';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import type { S3Location } from '../../services/s3-bucket';
import { startServices } from '../../services/start-services';
import { cleanupStack } from '../lib/cleanup-stack';
import { deleteS3Prefix, requiredServiceEnv, s3LocationFrom } from '../lib/service-env';

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
  const cleanups = cleanupStack();
  try {
    const services = await startServices();
    cleanups.push(() => services.stop());
    const env = services.env;
    const tag = randomBytes(4).toString('hex');

    const adminUrl = requiredServiceEnv(env, 'DATABASE_URL');
    const name = `xcom_bench_dag_${tag}`;
    await createDatabase(adminUrl, name);
    cleanups.push(() => dropDatabase(adminUrl, name));

    const s3 = s3LocationFrom(env);
    const storePrefix = `bench-dag-${tag}`;
    cleanups.push(() => deleteS3Prefix(s3, `${storePrefix}/`));

    return {
      summary: [...services.summary, `postgres: scratch database ${name}`],
      temporalAddress: requiredServiceEnv(env, 'TEMPORAL_ADDRESS'),
      databaseUrl: databaseUrl(adminUrl, name),
      s3,
      storePrefix,
      close: cleanups.close,
    };
  } catch (err) {
    await cleanups.close().catch(() => undefined);
    throw err;
  }
}
