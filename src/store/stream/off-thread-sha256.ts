import { sha256Worker } from './sha256-worker';
import type { StreamSha256 } from './stream-sha256';

const MIB = 1024 * 1024;

export interface OffThreadLimits {
  /** Bytes copied per message to the worker: fewer, larger messages cost the reading thread less. */
  readonly batchBytes: number;
  /** Batches in flight at most: the memory bound when the worker falls behind (then `update` waits). */
  readonly maxBatches: number;
}

export const DEFAULT_OFF_THREAD_LIMITS: OffThreadLimits = { batchBytes: MIB, maxBatches: 8 };

/**
 * SHA-256 in the shared worker thread, so hashing overlaps the reading instead of following it. Chunks are copied
 * into batch buffers (a copy costs the reading thread far less than hashing) which are transferred to the worker,
 * not copied again, and come back for reuse. Batches are allocated as needed up to `maxBatches`; past that
 * `update` waits for one to come back, so a slow worker slows the reader instead of growing memory.
 */
export class OffThreadSha256 implements StreamSha256 {
  readonly #job: number;
  readonly #free: ArrayBuffer[] = [];
  #allocated = 0;
  #batch: Uint8Array | undefined;
  #filled = 0;
  #open = true;
  #failure: Error | undefined;
  #waiting: Deferred<void> | undefined;
  #digest: Deferred<string> | undefined;

  constructor(private readonly limits: OffThreadLimits = DEFAULT_OFF_THREAD_LIMITS) {
    this.#job = sha256Worker.open({
      onFree: (buffer) => this.#onFree(buffer),
      onDigest: (hex) => this.#settle(() => this.#digest?.resolve(hex)),
      onFailure: (error) => this.#settle(() => this.#fail(error)),
    });
  }

  update(chunk: Uint8Array): Promise<void> | undefined {
    this.#throwIfFailed(); // before any post: a post would start a new worker for a job it never heard of
    for (let offset = 0; offset < chunk.byteLength; ) {
      if (this.#batch === undefined) {
        const buffer = this.#takeBuffer();
        if (buffer === undefined) {
          const rest = chunk.subarray(offset);
          return this.#waitForBuffer().then(() => this.update(rest));
        }
        this.#batch = new Uint8Array(buffer);
        this.#filled = 0;
      }
      const length = Math.min(this.#batch.byteLength - this.#filled, chunk.byteLength - offset);
      this.#batch.set(chunk.subarray(offset, offset + length), this.#filled);
      this.#filled += length;
      offset += length;
      if (this.#filled === this.#batch.byteLength) this.#post();
    }
    return undefined;
  }

  digest(): Promise<string> {
    this.#throwIfFailed();
    if (this.#batch !== undefined) this.#post();
    this.#digest = deferred();
    sha256Worker.post({ job: this.#job, kind: 'digest' });
    return this.#digest.promise;
  }

  drop(): void {
    if (!this.#open) return;
    this.#open = false;
    sha256Worker.post({ job: this.#job, kind: 'drop' });
    sha256Worker.close(this.#job);
  }

  #post(): void {
    const batch = this.#batch!;
    this.#batch = undefined;
    sha256Worker.post({ job: this.#job, kind: 'update', buffer: batch.buffer as ArrayBuffer, length: this.#filled });
  }

  #takeBuffer(): ArrayBuffer | undefined {
    this.#throwIfFailed();
    const reused = this.#free.pop();
    if (reused !== undefined || this.#allocated === this.limits.maxBatches) return reused;
    this.#allocated++;
    return new ArrayBuffer(this.limits.batchBytes);
  }

  #waitForBuffer(): Promise<void> {
    this.#waiting = deferred();
    return this.#waiting.promise;
  }

  #onFree(buffer: ArrayBuffer): void {
    this.#free.push(buffer);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve();
  }

  #fail(error: Error): void {
    this.#failure = error;
    this.#waiting?.reject(error);
    this.#digest?.reject(error);
    this.#waiting = undefined;
  }

  /** A digest or failure ends the job: the worker has forgotten it. */
  #settle(settle: () => void): void {
    this.#open = false;
    sha256Worker.close(this.#job);
    settle();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
