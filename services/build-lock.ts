import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock file this young without a pid is a holder still writing it, not a dead one. */
const EMPTY_LOCK_GRACE_MS = 30_000;
const POLL_MS = 1_000;

/**
 * Runs `fn` while holding `lockPath`, created with O_EXCL and holding our pid. Waits while a live process
 * holds it; takes over a lock whose pid is dead (a build killed half way). Calls `onWait` once when it has to wait.
 */
export async function withBuildLock<T>(
  lockPath: string,
  onWait: (holderPid: number | undefined) => void,
  fn: () => Promise<T>,
): Promise<T> {
  let announced = false;
  while (!tryAcquire(lockPath)) {
    const holder = readHolder(lockPath);
    if (holder === 'gone') continue;
    if (holder.stale) {
      removeIfSame(lockPath, holder.ino);
      continue;
    }
    if (!announced) {
      onWait(holder.pid);
      announced = true;
    }
    await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    release(lockPath);
  }
}

function tryAcquire(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`Cannot create build lock ${lockPath}`, { cause: error });
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

type Holder = { pid: number | undefined; stale: boolean; ino: number } | 'gone';

function readHolder(lockPath: string): Holder {
  try {
    const stat = statSync(lockPath);
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    if (Number.isNaN(pid)) {
      return { pid: undefined, stale: Date.now() - stat.mtimeMs > EMPTY_LOCK_GRACE_MS, ino: stat.ino };
    }
    return { pid, stale: !isAlive(pid), ino: stat.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw new Error(`Cannot read build lock ${lockPath}`, { cause: error });
  }
}

/** Only removes the stale file we inspected, not a fresh lock another process created meanwhile. */
function removeIfSame(lockPath: string, ino: number): void {
  try {
    if (statSync(lockPath).ino === ino) unlinkSync(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function release(lockPath: string): void {
  try {
    if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
