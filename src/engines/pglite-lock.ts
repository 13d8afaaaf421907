import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { XComStoreLockedError } from '../errors';
import { xcomLog } from '../log/xcom-log';

/**
 * PGlite has no inter-process lock: two processes opening one data directory corrupt it. This file guards a
 * directory with `<dataDir>/xcom.lock`, created atomically (O_EXCL), naming the process that holds it.
 */

export const LOCK_FILE_NAME = 'xcom.lock';

export interface StoreLockInfo {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the holder took the lock. */
  readonly startedAt: string;
  /** The holder opened with `share`: a socket is (or is about to be) advertised in `socket`. */
  readonly sharing?: boolean;
  /** Where the holder serves the store over the Postgres wire protocol. */
  readonly socket?: { readonly host: string; readonly port: number };
}

export interface StoreLock {
  readonly dataDir: string;
  readonly path: string;
  readonly info: StoreLockInfo;
  /** Records the socket the holder serves the store on (atomic replace; readers never see half a file). */
  advertise(socket: { host: string; port: number }): void;
  /** Removes the lock file if it is still ours. Synchronous so it can run in a process 'exit' handler. */
  release(): void;
}

export function lockFilePath(dataDir: string): string {
  return join(resolve(dataDir), LOCK_FILE_NAME);
}

/** The lock's content, or undefined when the directory is not locked. SyntaxError for a file that is not a lock. */
export function readLock(dataDir: string): StoreLockInfo | undefined {
  return readLockFile(lockFilePath(dataDir));
}

/**
 * Whether the holder still runs: true/false on this host, undefined for another host (its pids mean nothing here).
 * EPERM means the pid exists but belongs to another user: alive.
 */
export function isHolderAlive(info: StoreLockInfo): boolean | undefined {
  if (info.hostname !== hostname()) return undefined;
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock on `dataDir` (which must exist). Succeeds when the lock is absent, or held by a dead process on
 * this host (a stale lock, taken over with a warning). Otherwise throws XComStoreLockedError naming the holder.
 */
export async function acquireStoreLock(dataDir: string, options: { sharing?: boolean } = {}): Promise<StoreLock> {
  const dir = resolve(dataDir);
  const path = lockFilePath(dir);
  const info: StoreLockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    ...(options.sharing ? { sharing: true } : {}),
  };
  // Each pass either creates the file, removes a stale one, or throws; a few passes cover racing processes.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, info)) return heldLock(dir, path, info);
    const holder = await readSettledLock(path);
    if (holder === undefined) continue; // removed between our create and our read: try again
    if (holder === 'unreadable') {
      xcomLog().warn(`temporal-xcom: ${path} is not a readable lock (a holder died while writing it); taking it over`);
      takeOver(path, undefined);
      continue;
    }
    if (isHolderAlive(holder) !== false) throw lockedError(dir, holder);
    xcomLog().warn(
      `temporal-xcom: taking over stale lock ${path}: pid ${holder.pid} on ${holder.hostname} ` +
        `(since ${holder.startedAt}) no longer runs`,
    );
    takeOver(path, holder);
  }
  throw new XComStoreLockedError(`cannot take the lock ${path}: other processes keep creating and removing it`);
}

/** The error for a directory held by a live (or unknown) process, with what to do about it. */
export function lockedError(dataDir: string, holder: StoreLockInfo): XComStoreLockedError {
  const who =
    holder.pid === process.pid && holder.hostname === hostname()
      ? `this process (pid ${holder.pid})`
      : `pid ${holder.pid} on host ${holder.hostname}`;
  const remedy = holder.socket
    ? `That process shares it at postgres://postgres@${holder.socket.host}:${holder.socket.port}/postgres: connect ` +
      `through that socket (openEmbeddedEngine does so), stop that process, or set DATABASE_URL to a Postgres server.`
    : `Stop that process, open the store there with share: true so others connect through its socket, or set ` +
      `DATABASE_URL to a Postgres server.`;
  return new XComStoreLockedError(
    `the embedded XCom store ${resolve(dataDir)} is already open in ${who} since ${holder.startedAt}; PGlite ` +
      `cannot be opened by two processes at once. ${remedy} ` +
      `If that process no longer exists, delete ${lockFilePath(dataDir)}.`,
  );
}

function tryCreate(path: string, info: StoreLockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx'); // O_CREAT | O_EXCL: exactly one process wins
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(info));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Reads the lock, giving a holder that has just created the file a moment to write its content. */
async function readSettledLock(path: string): Promise<StoreLockInfo | 'unreadable' | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return readLockFile(path);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      await sleep(50);
    }
  }
  return 'unreadable';
}

/**
 * Removes a stale lock without removing a fresh one another process created after we read the stale one: the file
 * is first renamed aside (only one process can move a given file), then checked; a lock that turns out to be live
 * is put back with link(), which fails rather than overwrite a newer one.
 */
function takeOver(path: string, stale: StoreLockInfo | undefined): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it
    throw err;
  }
  let moved: StoreLockInfo | undefined;
  try {
    moved = readLockFile(aside);
  } catch {
    moved = undefined;
  }
  const sameHolder =
    stale === undefined ? moved === undefined : moved?.pid === stale.pid && moved.startedAt === stale.startedAt;
  if (!sameHolder) {
    try {
      linkSync(aside, path);
    } catch {
      // a newer lock is in place already; the one we moved lost anyway
    }
  }
  unlinkSync(aside);
}

function heldLock(dataDir: string, path: string, initial: StoreLockInfo): StoreLock {
  let info = initial;
  let released = false;
  const isOurs = (): boolean => {
    try {
      const current = readLock(dataDir);
      return current?.pid === info.pid && current.startedAt === info.startedAt && current.hostname === info.hostname;
    } catch {
      return false;
    }
  };
  return {
    dataDir,
    path,
    get info() {
      return info;
    },
    advertise(socket) {
      if (!isOurs()) throw new XComStoreLockedError(`lost the lock ${path}: another process replaced it`);
      info = { ...info, sharing: true, socket: { host: socket.host, port: socket.port } };
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(info));
      renameSync(temp, path);
    },
    release() {
      if (released) return;
      released = true;
      if (!isOurs()) return;
      try {
        unlinkSync(path);
      } catch (err) {
        // Never throw from here: it runs in 'exit' handlers and close(). A lock left behind is reported as stale.
        const { code, message } = err as NodeJS.ErrnoException;
        if (code !== 'ENOENT') xcomLog().warn(`temporal-xcom: cannot remove the lock ${path}: ${message}`);
      }
    },
  };
}

function readLockFile(path: string): StoreLockInfo | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const value: unknown = JSON.parse(text); // SyntaxError on a half-written file: callers retry
  const v = value as Partial<StoreLockInfo> | null;
  if (!v || typeof v.pid !== 'number' || typeof v.hostname !== 'string' || typeof v.startedAt !== 'string') {
    throw new SyntaxError(`${path} is not an XCom store lock (expected { pid, hostname, startedAt })`);
  }
  return v as StoreLockInfo;
}
