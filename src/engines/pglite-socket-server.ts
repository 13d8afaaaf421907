import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { XComConfigError } from '../errors';
import type { SessionGate } from './pglite-session-gate';
import { SocketSessionQueue } from './pglite-socket-queue';
import { xcomLog } from '../log/xcom-log';
import { authenticateSocket } from './socket-auth/authenticate-socket';
import { scramVerifier } from './socket-auth/scram-sha256';
import { removeSocketSecret, socketSecretPath, writeSocketSecret } from './socket-auth/socket-secret';

export interface SharedSocket {
  readonly host: string;
  readonly port: number;
  /** Closes every connection (rolling back what each left open) and stops listening. */
  stop(): Promise<void>;
}

/**
 * Serves an open PGlite over the Postgres wire protocol so other processes use the store instead of opening the
 * directory twice. Built from pglite-socket's PGLiteSocketHandler (the protocol framing) with our own queue
 * (SocketSessionQueue) rather than PGLiteSocketServer, whose queue mixes connections' messages; see that file.
 * Any number of connections may be open; they take turns on the one session.
 *
 * PGlite has no authentication, so the socket does it: it listens on loopback only, and a client must pass a
 * SCRAM-SHA-256 exchange with the secret this function writes to `<dataDir>/xcom.socket-secret` (mode 0600)
 * before its StartupMessage reaches PGlite.
 */
export async function startSocketServer(
  db: PGlite,
  gate: SessionGate,
  options: { host: string; port: number; dataDir: string },
): Promise<SharedSocket> {
  if (!LOOPBACK.has(options.host)) {
    throw new XComConfigError(`the embedded XCom store is shared on loopback only, not on ${options.host}`);
  }
  const verifier = scramVerifier(writeSocketSecret(options.dataDir));
  const hint =
    `Clients connect with the secret in ${socketSecretPath(options.dataDir)} as the password (only the user who ` +
    `opened the store can read it), or use DATABASE_URL with a Postgres server.`;
  const queue = new SocketSessionQueue(db, gate);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket: Socket) => {
    void authenticateSocket(socket, { verifier, hint }).then((startup) => {
      if (startup) serve(socket, startup);
    });
  });
  const serve = (socket: Socket, startup: Buffer): void => {
    const handler = new PGLiteSocketHandler({
      // Our queue implements what the handler calls (enqueue, clearQueueForHandler, clearTransactionIfNeeded).
      queryQueue: queue as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    const forget = (): void => void handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    // The client's StartupMessage goes to PGlite now, which answers it with AuthenticationOk.
    socket.unshift(startup);
    handler
      .attach(socket)
      .then(() => socket.resume())
      .catch(() => {
        forget();
        socket.destroy();
      });
  };

  try {
    await listen(server, options);
  } catch (err) {
    removeSocketSecret(options.dataDir);
    throw err;
  }
  const { address: host, port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    stop() {
      stopping ??= (async () => {
        const closing = new Promise<void>((done) => server.close(() => done()));
        await Promise.all([...handlers].map((handler) => handler.detach(true)));
        handlers.clear();
        await closing;
        removeSocketSecret(options.dataDir);
      })();
      return stopping;
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function listen(server: Server, { host, port }: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.message;
      reject(new XComConfigError(`cannot share the embedded XCom store on ${host}:${port}: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      // A later failure must not crash the process through an unhandled 'error' event.
      const where = `${host}:${(server.address() as AddressInfo).port}`;
      server.on('error', (err) => xcomLog().warn(`temporal-xcom: embedded store socket ${where}: ${err.message}`));
      resolve();
    });
  });
}
