import { randomBytes } from 'node:crypto';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import { ensureBucket, type S3Location } from '../../services/s3-bucket';
import { cleanupStack } from '../lib/cleanup-stack';
import { deleteS3Prefix, requiredServiceEnv, s3LocationFrom } from '../lib/service-env';
import { startServices } from '../../services/start-services';

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
  const cleanups = cleanupStack();
  try {
    const services = await startServices();
    cleanups.push(() => services.stop());
    const env = services.env;
    const tag = randomBytes(4).toString('hex');

    const adminUrl = requiredServiceEnv(env, 'DATABASE_URL');
    const name = `xcom_bench_overhead_${tag}`;
    await createDatabase(adminUrl, name);
    cleanups.push(() => dropDatabase(adminUrl, name));

    const s3 = s3LocationFrom(env);
    const storePrefix = `bench-overhead-${tag}`;
    cleanups.push(() => deleteS3Prefix(s3, `${storePrefix}/`));
    const externalStorageBucket = `xcom-bench-es-${tag}`;
    await ensureBucket({ ...s3, bucket: externalStorageBucket });
    cleanups.push(() => deleteS3Prefix({ ...s3, bucket: externalStorageBucket }, '', { removeBucket: true }));

    return {
      summary: [...services.summary, `postgres: scratch database ${name}`, `s3: scratch bucket ${externalStorageBucket}`],
      temporalAddress: requiredServiceEnv(env, 'TEMPORAL_ADDRESS'),
      databaseUrl: databaseUrl(adminUrl, name),
      s3,
      storePrefix,
      externalStorageBucket,
      close: cleanups.close,
    };
  } catch (err) {
    await cleanups.close().catch(() => undefined);
    throw err;
  }
}
