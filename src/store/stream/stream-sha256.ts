import { createHash } from 'node:crypto';

/** A SHA-256 fed chunk by chunk: in this thread, or in the worker thread ({@link OffThreadSha256}). */
export interface StreamSha256 {
  /** Takes a chunk (its bytes as they are now); a promise only when the caller must wait before the next one. */
  update(chunk: Uint8Array): Promise<void> | undefined;
  /** The hex digest of every byte given; call once. */
  digest(): Promise<string>;
  /** Forgets the hash (a reader that stopped early); safe after `digest` and twice. */
  drop(): void;
}

/** SHA-256 in the reading thread: for small values, where a worker's round trips would cost more than they save. */
export class InlineSha256 implements StreamSha256 {
  readonly #hash = createHash('sha256');

  update(chunk: Uint8Array): undefined {
    this.#hash.update(chunk);
  }

  digest(): Promise<string> {
    return Promise.resolve(this.#hash.digest('hex'));
  }

  drop(): void {}
}
