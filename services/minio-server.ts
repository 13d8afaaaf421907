import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './free-port';
import { ensureGoBinary } from './go-binary';
import { envWithout, ManagedChild } from './managed-child';
import { ensureBucket } from './s3-bucket';
import { MINIO } from './versions';
import { waitUntil } from './wait-until';
import { portTakenOr, startWithFreshPorts } from './port-retry';

/** Fixed dev credentials: the server only listens on loopback and lives as long as the test run. */
const ACCESS_KEY_ID = 'xcom-test';
const SECRET_ACCESS_KEY = 'xcom-test-secret';
const BUCKET = 'xcom';
const REGION = 'us-east-1';
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;

export interface MinioServer {
  /** http://127.0.0.1:<port>; use with `forcePathStyle: true`. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  readonly region: string;
  readonly pid: number | undefined;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
  /** Synchronous SIGKILL plus directory removal, for process 'exit' handlers. */
  killSync(): void;
}

export interface MinioServerOptions {
  /** A `minio` binary; default: {@link ensureGoBinary} for the pinned version. */
  binaryPath?: string;
}

/** Starts MinIO on free loopback ports over a fresh temporary directory, with the `xcom` bucket created. */
export async function startMinio(options: MinioServerOptions = {}): Promise<MinioServer> {
  const binary = options.binaryPath ?? (await ensureGoBinary(MINIO));
  return startWithFreshPorts(() => startOnce(binary));
}

async function startOnce(binary: string): Promise<MinioServer> {
  const root = mkdtempSync(join(tmpdir(), 'xcom-minio-'));
  // Certs dir inside our temp dir too, so MinIO never creates ~/.minio.
  const dataDir = join(root, 'data');
  const certsDir = join(root, 'certs');
  mkdirSync(dataDir);
  mkdirSync(certsDir);
  const [port, consolePort] = await freePorts(2);
  const endpoint = `http://127.0.0.1:${port}`;
  const args = [
    'server', dataDir,
    '--address', `127.0.0.1:${port}`,
    '--console-address', `127.0.0.1:${consolePort}`,
    '--certs-dir', certsDir,
    '--quiet',
  ];
  const env = envWithout('MINIO_', {
    MINIO_ROOT_USER: ACCESS_KEY_ID,
    MINIO_ROOT_PASSWORD: SECRET_ACCESS_KEY,
    MINIO_BROWSER: 'off', // no console UI needed, less start-up work
    MINIO_UPDATE: 'off',
  });
  const child = new ManagedChild(`minio at ${endpoint}`, binary, args, env);
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  const server: MinioServer = {
    endpoint,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    bucket: BUCKET,
    region: REGION,
    pid: child.pid,
    stop: async () => {
      await child.stop();
      removeRoot();
    },
    killSync: () => {
      child.killSync();
      removeRoot();
    },
  };

  try {
    await waitUntil(`minio at ${endpoint}`, () => isLive(endpoint), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: READY_POLL_MS,
      abortIf: () => {
        if (!child.hasExited) return undefined;
        const error = child.exitedError(`while starting (${binary} ${args.join(' ')})`);
        return portTakenOr(error, child.outputTail(50));
      },
    });
    await ensureBucket(server);
  } catch (error) {
    const diedOnItsOwn = child.hasExited; // then the error already carries its output
    await server.stop();
    if (diedOnItsOwn) throw error;
    throw new Error(`${(error as Error).message}. Last output of ${binary}:\n${child.outputTail()}`, { cause: error });
  }
  return server;
}

async function isLive(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(1_000) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET /minio/health/live answered ${response.status}`);
}
