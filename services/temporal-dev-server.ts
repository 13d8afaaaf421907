import { Connection } from '@temporalio/client';
import { freePorts } from './free-port';
import { ensureGoBinary } from './go-binary';
import { envWithout, ManagedChild } from './managed-child';
import { TEMPORAL_CLI } from './versions';
import { waitUntil } from './wait-until';
import { portTakenOr, startWithFreshPorts } from './port-retry';

/** The SDK's own test-server starter allows 5 s; a cold dev server on a busy 2-core machine needs more. */
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;
/** Free ports are picked, released, then bound by the child: another process may take one in between. */

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service. */
  readonly address: string;
  readonly namespace: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
  /** Synchronous SIGKILL for process 'exit' handlers. */
  killSync(): void;
}

export interface TemporalDevServerOptions {
  /** A `temporal` binary; default: {@link ensureGoBinary} for the pinned CLI. */
  binaryPath?: string;
}

/** Starts `temporal server start-dev` (in-memory, no UI) on free loopback ports; resolves when it serves gRPC. */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const binary = options.binaryPath ?? (await ensureGoBinary(TEMPORAL_CLI));
  return startWithFreshPorts(() => startOnce(binary));
}

async function startOnce(binary: string): Promise<TemporalDevServer> {
  const [port, httpPort, metricsPort] = await freePorts(3);
  const address = `127.0.0.1:${port}`;
  const namespace = 'default';
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--http-port', String(httpPort),
    '--metrics-port', String(metricsPort),
    '--headless',
    '--log-level', 'error',
    '--namespace', namespace,
  ];
  // TEMPORAL_* variables (TEMPORAL_ADDRESS, TLS...) configure the CLI as a client; keep them away from the server.
  const child = new ManagedChild(`temporal dev server at ${address}`, binary, args, envWithout('TEMPORAL_'));
  const server: TemporalDevServer = {
    address,
    namespace,
    pid: child.pid,
    stop: () => child.stop(),
    killSync: () => child.killSync(),
  };

  try {
    await waitUntil(`temporal dev server at ${address}`, () => answersGrpc(address, namespace), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: READY_POLL_MS,
      abortIf: () => {
        if (!child.hasExited) return undefined;
        const error = child.exitedError(`while starting (${binary} ${args.join(' ')})`);
        return portTakenOr(error, child.outputTail(50));
      },
    });
  } catch (error) {
    const diedOnItsOwn = child.hasExited; // then the error already carries its output
    await child.stop();
    if (diedOnItsOwn) throw error;
    throw new Error(`${(error as Error).message}. Last output of ${binary}:\n${child.outputTail()}`, { cause: error });
  }
  return server;
}

/** A real round trip: system info plus the namespace the tests use, not just an open port. */
async function answersGrpc(address: string, namespace: string): Promise<void> {
  const connection = Connection.lazy({ address, connectTimeout: 1_000 });
  try {
    await connection.ensureConnected();
    await connection.workflowService.getSystemInfo({});
    await connection.workflowService.describeNamespace({ namespace });
  } finally {
    await connection.close();
  }
}
