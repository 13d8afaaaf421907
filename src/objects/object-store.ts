/**
 * Where values at or above the inline threshold live. Keys are content-addressed by the caller
 * (see `object-key.ts`), so writing the same key twice writes the same bytes.
 */
export interface ObjectStore {
  /** Human-readable location for messages and `xcom status`, e.g. `s3://bucket/prefix` or `file:///var/xcom`. */
  readonly description: string;
  /** Writes `body` under `key`. Large bodies are streamed in parts; the buffer is never copied whole. */
  put(key: string, body: Buffer): Promise<void>;
  /**
   * Writes the bytes `body` yields under `key` as they arrive (multipart for S3, a temp file renamed for a directory),
   * never holding the whole object. If `body` throws, the partial upload is removed and the error rethrown. Optional:
   * without it, a streamed value is gathered and written with `put`.
   */
  putStream?(key: string, body: AsyncIterable<Uint8Array>): Promise<void>;
  /** Reads the whole object. Throws `ObjectNotFoundError` when the key does not exist. */
  get(key: string): Promise<Buffer>;
  /**
   * The object as a stream of its bytes, for reading it with flat memory. Throws `ObjectNotFoundError` (from the
   * promise, before any byte) when the key does not exist. Optional: callers fall back to `get`.
   */
  getStream?(key: string): Promise<AsyncIterable<Uint8Array>>;
  /**
   * Reads at most `length` bytes starting at byte `start` (fewer at the end of the object, none past it), so a
   * preview never loads a whole object. Throws `ObjectNotFoundError` when the key does not exist. Optional: callers
   * say that a store without it cannot read a part.
   */
  getRange?(key: string, start: number, length: number): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Lists objects whose key starts with `prefix` (used to reconcile orphans). */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /**
   * Removes uploads that never finished (temp files, incomplete multipart uploads) started before `olderThan`;
   * returns how many (found, with `dryRun`). Optional: the sweeper skips stores without it.
   */
  sweepAbandonedUploads?(options: { olderThan: Date; dryRun?: boolean }): Promise<number>;
  /** Releases clients and sockets the store owns. */
  close(): Promise<void>;
}

export interface ObjectInfo {
  key: string;
  sizeBytes: number;
  lastModified: Date;
}
