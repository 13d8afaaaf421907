import { XComIntegrityError } from '../errors';
import type { Compression, ValueFormat } from './encoded-value';

export interface ParsedEncoding {
  readonly format: ValueFormat;
  readonly compression?: Compression;
}

const FORMATS: readonly string[] = ['json', 'bytes'] satisfies ValueFormat[];
const COMPRESSIONS: readonly string[] = ['gzip', 'br'] satisfies Compression[];

/** `json`, `bytes+gzip`, …: the per-entry encoding string. */
export function formatEncoding(format: ValueFormat, compression?: Compression): string {
  return compression ? `${format}+${compression}` : format;
}

/** Splits and validates an encoding string; anything this version cannot read is an integrity error. */
export function parseEncoding(encoding: string): ParsedEncoding {
  const parts = encoding.split('+');
  const [format, compression] = parts;
  if (parts.length > 2 || format === undefined || !FORMATS.includes(format)) {
    throw unknownEncoding(encoding);
  }
  if (compression === undefined) return { format: format as ValueFormat };
  if (!COMPRESSIONS.includes(compression)) throw unknownEncoding(encoding);
  return { format: format as ValueFormat, compression: compression as Compression };
}

function unknownEncoding(encoding: string): XComIntegrityError {
  return new XComIntegrityError(
    `Unknown XCom value encoding ${JSON.stringify(encoding)}: expected json or bytes, optionally followed by ` +
      `+gzip or +br. It may have been written by a newer version or a custom codec.`,
  );
}
