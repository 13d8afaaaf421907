import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XComConfigError } from '../../errors';

/**
 * The secret a process sharing its embedded store requires from socket clients. It is written next to the lock,
 * readable only by the user who opened the store (mode 0600), and is new each time the store is opened, so a
 * client must be able to read this file: the same user, or root.
 */
export const SOCKET_SECRET_FILE = 'xcom.socket-secret';

export function socketSecretPath(dataDir: string): string {
  return join(resolve(dataDir), SOCKET_SECRET_FILE);
}

/** Creates a fresh secret file (replacing a stale one) and returns the secret. */
export function writeSocketSecret(dataDir: string): string {
  const path = socketSecretPath(dataDir);
  const secret = randomBytes(32).toString('hex');
  removeSocketSecret(dataDir);
  // O_EXCL: never write into a file (or a link) someone else put here between the unlink and the open.
  const fd = openSync(path, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, secret);
  } finally {
    closeSync(fd);
  }
  return secret;
}

/** The secret of the store shared from `dataDir`; an error naming the file and what to do when it cannot be read. */
export function readSocketSecret(dataDir: string): string {
  const path = socketSecretPath(dataDir);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'it is readable only by the user who opened the store' : (err as Error).message;
    throw new XComConfigError(
      `cannot read the embedded XCom store's socket secret ${path}: ${why}. Run as that user, or set DATABASE_URL ` +
        `to a Postgres server.`,
      { cause: err },
    );
  }
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if (mode & 0o077) {
      throw new XComConfigError(
        `the embedded XCom store's socket secret ${path} is readable by others (mode ${mode.toString(8)}); it must be ` +
          `0600. Restart the process that holds the store to write a new one.`,
      );
    }
    return readFileSync(fd, 'utf8').trim();
  } finally {
    closeSync(fd);
  }
}

export function removeSocketSecret(dataDir: string): void {
  try {
    unlinkSync(socketSecretPath(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
