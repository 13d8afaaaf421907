/** How a value is laid out in storage: the format of the serialized bytes plus an optional compression. */
export type ValueFormat = 'json' | 'bytes';
export type Compression = 'gzip' | 'br';

/**
 * A value ready to store. `encoding` is `<format>` or `<format>+<compression>` (`json`, `json+gzip`, `bytes+br`),
 * kept per entry so a reader never guesses.
 */
export interface EncodedValue {
  /** The stored bytes (compressed when compression paid off). */
  readonly bytes: Buffer;
  readonly encoding: string;
  /** Size of the serialized value before compression: what thresholds and caps are measured against. */
  readonly sizeBytes: number;
  /** Hex SHA-256 of the serialized bytes before compression; checked on every read. */
  readonly digest: string;
}

/** Names the entry a value belongs to, so serialization errors can say which task and key failed. */
export interface ValueLocation {
  readonly dagId?: string;
  readonly runId?: string;
  readonly taskId?: string;
  readonly mapIndex?: number;
  readonly key?: string;
}
