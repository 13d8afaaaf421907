import { createHash, type Hash } from 'node:crypto';
import { types } from 'node:util';
import { XComSerializationError, XComTooLargeError } from '../../errors';
import { formatBytes } from '../limits';
import type { ByteSource } from './byte-source';

/**
 * Passes a byte stream through while counting its bytes and hashing them (SHA-256, the digest stored values carry),
 * and stops it the moment it passes `capBytes`: the cap is enforced as bytes arrive, not after the whole value.
 */
export class MeteredBytes {
  #bytes = 0;
  readonly #hash: Hash = createHash('sha256');

  constructor(
    private readonly capBytes: number,
    /** `dag/run/task/key`, for messages. */
    private readonly what: string,
  ) {}

  get bytes(): number {
    return this.#bytes;
  }

  /** The hex SHA-256 of every byte passed; call once, after the stream ended. */
  digest(): string {
    return this.#hash.digest('hex');
  }

  async *pass(source: ByteSource): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      if (!types.isUint8Array(chunk)) {
        throw new XComSerializationError(
          `XCom ${this.what}: a byte stream yielded ${typeof chunk === 'string' ? 'a string' : typeof chunk}, not bytes ` +
            '(give a Readable without objectMode/encoding, or an async iterable of Buffer / Uint8Array)',
          '$',
        );
      }
      this.#bytes += chunk.byteLength;
      if (this.#bytes > this.capBytes) {
        throw new XComTooLargeError(
          `XCom ${this.what} passed ${formatBytes(this.#bytes)} while streaming, above the cap of ` +
            `${formatBytes(this.capBytes)} (maxValueBytes); the upload was stopped and removed`,
          this.#bytes,
          this.capBytes,
        );
      }
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.#hash.update(bytes);
      yield bytes;
    }
  }
}
