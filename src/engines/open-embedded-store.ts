import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { XComError, XComStoreLockedError, XComStoreUnavailableError } from '../errors';
import { createPgliteEngine, type PgliteEngineOptions } from './pglite-engine';
import { isHolderAlive, lockedError, readLock, type StoreLockInfo } from './pglite-lock';
import { createPostgresEngine } from './postgres-engine';
import { readSocketSecret } from './socket-auth/socket-secret';
import type { SqlEngine } from './sql-engine';

export interface EmbeddedEngineOptions extends PgliteEngineOptions {
  /** How long to wait for a holder that is opening with `share` to advertise its socket. @default 30_000 */
  socketWaitMs?: number;
}

/** Connections a process keeps to another process's shared store; they take turns on its one session anyway. */
const SOCKET_POOL_SIZE = 4;

/**
 * The embedded store for this process: opened here when the directory is free (or its lock is stale); reached
 * through the holder's socket when another live process on this host has it open with `share`; otherwise
 * XComStoreLockedError naming the holder. A store reached through a socket is a `pg` engine (kind 'postgres').
 */
export async function openEmbeddedEngine(options: EmbeddedEngineOptions): Promise<SqlEngine> {
  const dataDir = resolve(options.dataDir);
  const deadline = Date.now() + (options.socketWaitMs ?? 30_000);
  let lostRaces = 0;
  for (;;) {
    const holder = readHolder(dataDir);
    if (!holder || isHolderAlive(holder) === false) {
      try {
        return await createPgliteEngine({ dataDir, share: options.share });
      } catch (err) {
        // Another process took the lock between our read and our open: look again at who holds it.
        if (err instanceof XComStoreLockedError && ++lostRaces <= 3) continue;
        throw explainOpenFailure(err, dataDir);
      }
    }
    if (isHolderAlive(holder) && holder.socket) return connectToHolder(dataDir, holder, holder.socket);
    if (isHolderAlive(holder) && holder.sharing && Date.now() < deadline) {
      await sleep(100); // the holder is still opening; its socket comes next
      continue;
    }
    throw lockedError(dataDir, holder);
  }
}

function readHolder(dataDir: string): StoreLockInfo | undefined {
  try {
    return readLock(dataDir);
  } catch {
    return undefined; // half-written or foreign content: the lock acquisition sorts it out
  }
}

async function connectToHolder(
  dataDir: string,
  holder: StoreLockInfo,
  socket: { host: string; port: number },
): Promise<SqlEngine> {
  // PGlite has one database and ignores the name a client asks for; 'postgres' is what it reports.
  const where = `${socket.host}:${socket.port}`;
  // The holder requires the secret it wrote beside its lock (src/engines/socket-auth/socket-secret.ts).
  const secret = encodeURIComponent(readSocketSecret(dataDir));
  const connectionString = `postgres://postgres:${secret}@${where}/postgres`;
  // Every socket client shares the one PGlite session: statement names would collide between processes.
  const engine = createPostgresEngine({
    connectionString,
    max: SOCKET_POOL_SIZE,
    preparedStatements: false,
    unreachableHint:
      `It is the embedded store ${dataDir} (XCOM_DATA_DIR), served by pid ${holder.pid}: restart that process, or ` +
      'stop it so this one opens the store itself.',
  });
  try {
    await engine.query('select 1');
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw new XComStoreLockedError(
      `the embedded XCom store ${dataDir} is open in pid ${holder.pid} (since ${holder.startedAt}), which shares it ` +
        `at ${where}, but connecting there failed: ${(err as Error).message}. Stop that process or ` +
        `set DATABASE_URL to a Postgres server.`,
    );
  }
  return {
    kind: engine.kind,
    description: `pglite:${dataDir} through ${socket.host}:${socket.port} (opened by pid ${holder.pid})`,
    query: (sql, params) => engine.query(sql, params),
    exec: (sql) => engine.exec(sql),
    transaction: (fn) => engine.transaction(fn),
    close: () => engine.close(),
  };
}

/** A directory that cannot hold the store (not writable, a file in the way): name XCom, the directory and the setting. */
function explainOpenFailure(err: unknown, dataDir: string): unknown {
  if (err instanceof XComError) return err;
  return new XComStoreUnavailableError(
    `XCom store unavailable: cannot open the embedded store in ${dataDir} (${(err as Error).message}). Check that ` +
      'XCOM_DATA_DIR (default ./.xcom) names a directory this process can write, or set DATABASE_URL to use a ' +
      'Postgres server.',
    { cause: err },
  );
}
