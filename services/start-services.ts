import { startMinio } from './minio-server';
import { ensureLocalPostgres, redact } from './postgres';
import { ensureBucket } from './s3-bucket';
import { startTemporalDevServer } from './temporal-dev-server';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_BUCKET = 'xcom';
const DEFAULT_REGION = 'us-east-1';
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StartServicesOptions {
  /** Default true. */
  temporal?: boolean;
  /** Default true. */
  s3?: boolean;
  /** Default true. */
  postgres?: boolean;
}

export interface RunningServices {
  /** TEMPORAL_ADDRESS, S3_* and DATABASE_URL for the services asked for. */
  readonly env: Record<string, string>;
  /** One entry per service: what was started or reused, and where. */
  readonly summary: string[];
  /** Stops what this call started (reused services are left alone). Safe to call more than once. */
  stop(): Promise<void>;
}

interface Owned {
  stop(): Promise<void>;
  killSync(): void;
}

/**
 * Real services for tests and scripts. Reuses a service named by the environment (TEMPORAL_ADDRESS, S3_ENDPOINT,
 * DATABASE_URL), otherwise starts one: a Temporal dev server and MinIO on free loopback ports (in parallel), and the
 * machine's local Postgres cluster if it is down. Children are killed on process exit, SIGINT and SIGTERM too.
 */
export async function startServices(options: StartServicesOptions = {}): Promise<RunningServices> {
  const { temporal = true, s3 = true, postgres = true } = options;
  const env: Record<string, string> = {};
  const summary: string[] = [];
  const owned: Owned[] = [];

  const killAllSync = () => {
    for (const service of owned) service.killSync();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killAllSync();
    removeHandlers();
    // We replaced the default action (exit) by listening; restore it unless someone else handles the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeHandlers = () => {
    process.removeListener('exit', killAllSync);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
  process.on('exit', killAllSync);
  for (const signal of SIGNALS) process.on(signal, onSignal);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const results = await Promise.allSettled(owned.map((service) => service.stop()));
      removeHandlers();
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return stopping;
  };

  const tasks: Promise<void>[] = [];
  if (temporal) tasks.push(provideTemporal(env, summary, owned));
  if (s3) tasks.push(provideS3(env, summary, owned));
  if (postgres) tasks.push(providePostgres(env, summary));

  const results = await Promise.allSettled(tasks);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) {
    await stop().catch(() => undefined);
    const messages = failures.map(({ reason }) => (reason instanceof Error ? reason.message : String(reason)));
    throw new Error(`Could not start the test services:\n- ${messages.join('\n- ')}`, { cause: failures[0]?.reason });
  }
  summary.sort(); // completion order varies; keep the log line stable
  return { env, summary, stop };
}

async function provideTemporal(env: Record<string, string>, summary: string[], owned: Owned[]): Promise<void> {
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) {
    env.TEMPORAL_ADDRESS = existing;
    summary.push(`temporal: reusing ${existing} (TEMPORAL_ADDRESS)`);
    return;
  }
  const server = await startTemporalDevServer();
  owned.push(server);
  env.TEMPORAL_ADDRESS = server.address;
  summary.push(`temporal: started dev server at ${server.address} (pid ${server.pid ?? '?'})`);
}

async function provideS3(env: Record<string, string>, summary: string[], owned: Owned[]): Promise<void> {
  const existing = process.env.S3_ENDPOINT;
  let location;
  if (existing) {
    const accessKeyId = process.env.S3_ACCESS_KEY_ID;
    const secretAccessKey = process.env.S3_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(`S3_ENDPOINT=${existing} is set, so S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too`);
    }
    location = {
      endpoint: existing,
      accessKeyId,
      secretAccessKey,
      bucket: process.env.S3_BUCKET || DEFAULT_BUCKET,
      region: process.env.S3_REGION || DEFAULT_REGION,
    };
    await ensureBucket(location);
    summary.push(`s3: reusing ${existing} bucket ${location.bucket} (S3_ENDPOINT)`);
  } else {
    const server = await startMinio();
    owned.push(server);
    location = server;
    summary.push(`s3: started minio at ${server.endpoint} (pid ${server.pid ?? '?'})`);
  }
  env.S3_ENDPOINT = location.endpoint;
  env.S3_ACCESS_KEY_ID = location.accessKeyId;
  env.S3_SECRET_ACCESS_KEY = location.secretAccessKey;
  env.S3_BUCKET = location.bucket;
  env.S3_REGION = location.region;
  env.S3_FORCE_PATH_STYLE = 'true';
}

async function providePostgres(env: Record<string, string>, summary: string[]): Promise<void> {
  const fromEnv = process.env.DATABASE_URL;
  const url = fromEnv || DEFAULT_DATABASE_URL;
  await ensureLocalPostgres(url);
  env.DATABASE_URL = url;
  summary.push(`postgres: ${redact(url)}${fromEnv ? ' (DATABASE_URL)' : ''}`);
}
