import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { XComConfigError, XComError } from '../errors';
import { acquireStoreLock, type StoreLock } from './pglite-lock';
import { SessionGate } from './pglite-session-gate';
import { startSocketServer, type SharedSocket } from './pglite-socket-server';
import type { SqlEngine, SqlExecutor } from './sql-engine';

export interface PgliteEngineOptions {
  /** Directory of the embedded database; created if missing. One process at a time (a lock file guards it). */
  dataDir: string;
  /**
   * Serve the open store to other processes over the Postgres wire protocol on 127.0.0.1 (no password: local use
   * only). `true` picks a free port; the lock file advertises it, and openEmbeddedEngine in another process uses it.
   */
  share?: boolean | { port?: number };
}

export interface PgliteEngine extends SqlEngine {
  readonly kind: 'pglite';
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  /** Where the store is shared, when opened with `share`. */
  readonly socket: { readonly host: string; readonly port: number } | undefined;
}

const SHARE_HOST = '127.0.0.1';

/**
 * Results typed like the postgres engine's, so the store sees the same values from either engine: bytea as Buffer
 * (decoded from Postgres' hex text straight into a Buffer; PGlite's default gives a Uint8Array), int8 as number
 * like postgres-engine's parser (sizes and counts, far below 2^53; PGlite's default turns BigInt above 2^53).
 * timestamptz as Date and jsonb as parsed JSON are PGlite's defaults already.
 */
const parsers = {
  [types.BYTEA]: (text: string): Buffer => Buffer.from(text.slice(2), 'hex'), // '\x0a1b…'
  [types.INT8]: (text: string): number => Number(text),
};

/**
 * Parameters: bytea as Postgres' hex text in one native call. PGlite's default builds it a byte at a time
 * (Array.from, padStart, join): about 45 µs for a 1 KB value, a tenth of a single-entry set, and per element in
 * the bytea[] arrays of batched commits.
 */
export const PGLITE_SERIALIZERS = {
  [types.BYTEA]: (bytes: unknown): string => {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`a bytea parameter must be a Buffer or Uint8Array, not ${typeof bytes}`);
    return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
  },
};

/** Opens (creating if needed) the embedded store in `dataDir`, after taking its lock. */
export async function createPgliteEngine(options: PgliteEngineOptions): Promise<PgliteEngine> {
  const dataDir = resolve(options.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new XComConfigError(
      `cannot create the embedded XCom store directory ${dataDir}: ${(err as Error).message}. Point XCOM_DATA_DIR ` +
        '(default ./.xcom) at a directory this process can write, or set DATABASE_URL to use a Postgres server.',
      { cause: err },
    );
  }
  const lock = await acquireStoreLock(dataDir, { sharing: Boolean(options.share) });
  holdUntilExit(lock);
  const gate = new SessionGate();
  let db: PGlite | undefined;
  let socket: SharedSocket | undefined;
  try {
    db = await PGlite.create({ dataDir, parsers, serializers: PGLITE_SERIALIZERS });
    if (options.share) {
      const port = typeof options.share === 'object' ? (options.share.port ?? 0) : 0;
      socket = await startSocketServer(db, gate, { host: SHARE_HOST, port, dataDir });
      lock.advertise(socket);
    }
  } catch (err) {
    await socket?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    releaseLock(lock);
    if (err instanceof XComError) throw err;
    throw new XComConfigError(`cannot open the embedded XCom store in ${dataDir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return pgliteEngine(db, gate, lock, socket);
}

function pgliteEngine(db: PGlite, gate: SessionGate, lock: StoreLock, socket: SharedSocket | undefined): PgliteEngine {
  const { dataDir } = lock;
  let closing: Promise<void> | undefined;
  // Every local use takes the session through the gate, so it never runs inside a socket client's transaction.
  const session = <T>(fn: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(closedError(dataDir));
    return gate.run(fn);
  };
  const direct = executor(db);
  return {
    kind: 'pglite',
    dataDir,
    socket: socket && { host: socket.host, port: socket.port },
    description: `pglite:${dataDir}${socket ? ` (shared on ${socket.host}:${socket.port})` : ''}`,
    query: (sql, params) => session(() => direct.query(sql, params)),
    exec: (sql) => session(() => direct.exec(sql)),
    // PGlite's transaction: BEGIN, fn, COMMIT; ROLLBACK and rethrow when fn throws.
    transaction: (fn) => session(() => db.transaction((tx) => fn(executor(tx)))),
    // The one session: no transaction is open between local units of work.
    session: (fn) => session(() => fn(direct)),
    // Notifications from this instance only: its own sessions and the socket clients it serves (one backend).
    listen: (channel, onNotify) =>
      session(async () => {
        const unlisten = await db.listen(channel, onNotify);
        return () => session(() => unlisten()).catch(() => undefined);
      }),
    close() {
      closing ??= (async () => {
        try {
          await socket?.stop(); // rolls back what remote connections left open, freeing the gate
          await gate.run(() => db.close()); // after local work in flight
        } finally {
          releaseLock(lock);
        }
      })();
      return closing;
    },
  };
}

function closedError(dataDir: string): XComError {
  return new XComError('XCOM_STORE_CLOSED', `the embedded XCom store ${dataDir} is closed`);
}

function executor(target: PGlite | Transaction): SqlExecutor {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      const result = await target.query<R>(sql, params ? [...params] : undefined);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

/** Locks of engines not closed yet, removed synchronously if the process exits first. One listener for all. */
const releaseAtExit = new Set<StoreLock>();
let exitListener: (() => void) | undefined;

function holdUntilExit(lock: StoreLock): void {
  releaseAtExit.add(lock);
  exitListener ??= () => {
    for (const held of releaseAtExit) held.release();
  };
  if (!process.listeners('exit').includes(exitListener)) process.on('exit', exitListener);
}

function releaseLock(lock: StoreLock): void {
  releaseAtExit.delete(lock);
  lock.release();
}
