import { randomBytes } from 'node:crypto';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import type { S3Location } from '../../services/s3-bucket';
import { startServices } from '../../services/start-services';
import { cleanupStack } from './cleanup-stack';
import { deleteS3Prefix, requiredServiceEnv, s3LocationFrom } from './service-env';

/** What a bench with workflows runs against; `close()` undoes what was set up, newest first, and is safe to call twice. */
export interface TemporalBenchEnv {
  readonly summary: readonly string[];
  readonly temporalAddress: string;
  /** The scratch database this run creates and drops. */
  readonly databaseUrl: string;
  /** The S3 server, and the bucket the XCom store writes to (under `storePrefix`). */
  readonly s3: S3Location;
  readonly storePrefix: string;
  /** Random, per run: for names of anything else the bench creates. */
  readonly tag: string;
  /** Registers one more undo step for `close()`. */
  readonly defer: (cleanup: () => Promise<unknown>) => void;
  readonly close: () => Promise<void>;
}

/**
 * Temporal, MinIO and Postgres from startServices (reused from TEMPORAL_ADDRESS, S3_ENDPOINT and DATABASE_URL when
 * set) and a scratch database named after `label`. Whatever was set up is torn down if a later step fails.
 */
export async function openTemporalBenchEnv(label: string): Promise<TemporalBenchEnv> {
  const cleanups = cleanupStack();
  try {
    const services = await startServices();
    cleanups.push(() => services.stop());
    const env = services.env;
    const tag = randomBytes(4).toString('hex');

    const adminUrl = requiredServiceEnv(env, 'DATABASE_URL');
    const name = `xcom_bench_${label}_${tag}`;
    await createDatabase(adminUrl, name);
    cleanups.push(() => dropDatabase(adminUrl, name));

    const s3 = s3LocationFrom(env);
    const storePrefix = `bench-${label}-${tag}`;
    cleanups.push(() => deleteS3Prefix(s3, `${storePrefix}/`));

    return {
      summary: [...services.summary, `postgres: scratch database ${name}`],
      temporalAddress: requiredServiceEnv(env, 'TEMPORAL_ADDRESS'),
      databaseUrl: databaseUrl(adminUrl, name),
      s3,
      storePrefix,
      tag,
      defer: cleanups.push,
      close: cleanups.close,
    };
  } catch (err) {
    await cleanups.close().catch(() => undefined);
    throw err;
  }
}
