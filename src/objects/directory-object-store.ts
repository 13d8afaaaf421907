import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { XComError, XComIdentityError, XComObjectNotFoundError } from '../errors';
import { assertRange } from './byte-range';
import { assertObjectKey, assertObjectPrefix } from './object-key-rules';
import type { ObjectInfo, ObjectStore } from './object-store';

const STORE = 'DirectoryObjectStore';
/** Writes land in `.xcom-tmp-<random>` next to their target; `objectKeyFor` never makes a segment starting with `.`. */
const TEMP_PREFIX = '.xcom-tmp-';

export interface DirectoryObjectStoreOptions {
  /** Root directory; created on first write. Keys with `/` become subdirectories of it. */
  readonly directory: string;
}

/** Objects as files under a local directory: the embedded default. Writes are atomic (temp file, fsync, rename). */
export class DirectoryObjectStore implements ObjectStore {
  readonly description: string;
  readonly directory: string;

  constructor(options: DirectoryObjectStoreOptions) {
    this.directory = path.resolve(options.directory);
    this.description = pathToFileURL(this.directory).href;
  }

  async put(key: string, body: Buffer): Promise<void> {
    return this.write('put', key, body);
  }

  /** As `put`, written to the temp file as the bytes arrive. */
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    return this.write('putStream', key, body);
  }

  private async write(operation: string, key: string, body: Buffer | AsyncIterable<Uint8Array>): Promise<void> {
    const target = this.pathFor(key);
    const dir = path.dirname(target);
    const temp = path.join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'));
    try {
      await writeDurably(dir, temp, body);
      // rename is atomic: readers see the old object or the whole new one, and a crash leaves only a temp file.
      await fs.rename(temp, target);
      await syncDirectory(dir);
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      // The source's own error (a cap, an integrity failure) is the one to report.
      if (err instanceof XComError) throw err;
      throw this.failure(operation, key, err);
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathFor(key));
    } catch (err) {
      if (isMissing(err)) {
        throw new XComObjectNotFoundError(key, `${STORE} has no object ${key} in ${this.directory}`, { cause: err });
      }
      throw this.failure('get', key, err);
    }
  }

  /** The file as a stream of its bytes; a missing file rejects before any byte. */
  async getStream(key: string): Promise<AsyncIterable<Uint8Array>> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathFor(key), 'r');
    } catch (err) {
      if (isMissing(err)) {
        throw new XComObjectNotFoundError(key, `${STORE} has no object ${key} in ${this.directory}`, { cause: err });
      }
      throw this.failure('getStream', key, err);
    }
    return handle.createReadStream(); // closes the handle when it ends or is destroyed
  }

  /** Reads only the requested bytes from the file (a positioned read), never the whole object. */
  async getRange(key: string, start: number, length: number): Promise<Buffer> {
    assertRange(start, length);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(this.pathFor(key), 'r');
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      return buffer.subarray(0, bytesRead);
    } catch (err) {
      if (isMissing(err)) {
        throw new XComObjectNotFoundError(key, `${STORE} has no object ${key} in ${this.directory}`, { cause: err });
      }
      throw this.failure('getRange', key, err);
    } finally {
      await handle?.close();
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathFor(key))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw this.failure('exists', key, err);
    }
  }

  async delete(key: string): Promise<void> {
    const target = this.pathFor(key);
    try {
      await fs.unlink(target);
    } catch (err) {
      if (isMissing(err)) return;
      throw this.failure('delete', key, err);
    }
    await this.pruneEmptyParents(path.dirname(target));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertObjectPrefix(STORE, prefix);
    // Walk only the deepest directory the prefix names in full; its last partial segment filters that level.
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    const partial = prefix.slice(slash + 1);
    for await (const file of this.walk(path.join(this.directory, dirKey), dirKey, partial)) {
      if (file.temp) continue;
      try {
        const stats = await fs.stat(file.path);
        yield { key: file.key, sizeBytes: stats.size, lastModified: stats.mtime };
      } catch (err) {
        if (!isMissing(err)) throw this.failure('list', prefix, err); // deleted while listing: skip it
      }
    }
  }

  /**
   * Removes temp files (`.xcom-tmp-*`) older than `olderThan`: leftovers of processes that died mid-write. `list`
   * never shows them. Returns how many were removed (found, with `dryRun`).
   */
  async sweepAbandonedUploads(options: { olderThan: Date; dryRun?: boolean }): Promise<number> {
    const cutoff = options.olderThan.getTime();
    let removed = 0;
    for await (const file of this.walk(this.directory, '', '')) {
      if (!file.temp) continue;
      const stats = await fs.stat(file.path).catch(() => undefined);
      if (stats !== undefined && stats.mtimeMs < cutoff) {
        if (!options.dryRun) await fs.rm(file.path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    // Nothing to release: every operation opens and closes its own file handles.
  }

  private pathFor(key: string): string {
    assertObjectKey(STORE, key);
    const segments = key.split('/');
    if (segments.some((segment) => segment.startsWith(TEMP_PREFIX))) {
      throw new XComIdentityError('objectKey', `${STORE} rejected object key ${JSON.stringify(key)}: "${TEMP_PREFIX}" is reserved`);
    }
    const target = path.join(this.directory, ...segments);
    // Belt and braces: the key rules already forbid every way out of the root.
    if (!target.startsWith(this.directory + path.sep)) {
      throw new XComIdentityError('objectKey', `${STORE} rejected object key ${JSON.stringify(key)}: it leaves ${this.directory}`);
    }
    return target;
  }

  private async *walk(dir: string, keyPrefix: string, namePrefix: string): AsyncGenerator<WalkedFile> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw this.failure('list', keyPrefix, err);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!entry.name.startsWith(namePrefix)) continue;
      const entryPath = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(entryPath, `${keyPrefix}${entry.name}/`, '');
      } else if (entry.isFile()) {
        yield { key: keyPrefix + entry.name, path: entryPath, temp: entry.name.startsWith(TEMP_PREFIX) };
      }
    }
  }

  /** Keeps purged runs from leaving empty directory trees behind; stops at the first non-empty directory. */
  private async pruneEmptyParents(dir: string): Promise<void> {
    while (dir.startsWith(this.directory + path.sep)) {
      try {
        await fs.rmdir(dir);
      } catch {
        return; // not empty (or already gone): a concurrent put may be using it
      }
      dir = path.dirname(dir);
    }
  }

  private failure(operation: string, key: string, cause: unknown): Error {
    if (cause instanceof XComIdentityError) return cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new Error(`${STORE} ${operation} failed [directory=${this.directory}, key=${key}]: ${reason}`, { cause });
  }
}

interface WalkedFile {
  key: string;
  path: string;
  temp: boolean;
}

/** Writes and fsyncs `temp`; retries when a concurrent delete pruned the freshly made directory. */
async function writeDurably(dir: string, temp: string, body: Buffer | AsyncIterable<Uint8Array>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await fs.mkdir(dir, { recursive: true });
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(temp, 'wx');
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && attempt < 3) continue;
      throw err;
    }
    try {
      if (Buffer.isBuffer(body)) await handle.writeFile(body);
      else for await (const chunk of body) await writeAll(handle, chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return;
  }
}

/** A write may take fewer bytes than given: write the rest. */
async function writeAll(handle: fs.FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable. Windows cannot open a directory for fsync, and does not need to. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** ENOENT, or a key that names a directory (EISDIR) or runs through a file (ENOTDIR): no such object. */
function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}
