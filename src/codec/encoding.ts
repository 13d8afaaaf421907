import { XComIntegrityError } from '../errors';
import type { Compression, ValueFormat } from './encoded-value';

export interface ParsedEncoding {
  readonly format: ValueFormat;
  readonly compression?: Compression;
  /** The key that sealed the stored bytes (`+aes256gcm.<keyId>`): they are an envelope (src/codec/envelope.ts). */
  readonly encryptionKeyId?: string;
}

const FORMATS: readonly string[] = ['json', 'bytes'] satisfies ValueFormat[];
const COMPRESSIONS: readonly string[] = ['gzip', 'br'] satisfies Compression[];
const ENCRYPTED = /^aes256gcm\.([A-Za-z0-9_-]{1,32})$/;

/** `json`, `bytes+gzip`, `json+gzip+aes256gcm.k1`, …: the per-entry encoding string. */
export function formatEncoding(format: ValueFormat, compression?: Compression, encryptionKeyId?: string): string {
  let encoding: string = format;
  if (compression) encoding += `+${compression}`;
  if (encryptionKeyId !== undefined) encoding += `+aes256gcm.${encryptionKeyId}`;
  return encoding;
}

/** Splits and validates an encoding string; anything this version cannot read is an integrity error. */
export function parseEncoding(encoding: string): ParsedEncoding {
  const parts = encoding.split('+');
  const format = parts.shift();
  if (format === undefined || !FORMATS.includes(format)) throw unknownEncoding(encoding);
  const encrypted = parts.length > 0 ? ENCRYPTED.exec(parts[parts.length - 1]!) : null;
  if (encrypted) parts.pop();
  if (parts.length > 1) throw unknownEncoding(encoding);
  const [compression] = parts;
  if (compression !== undefined && !COMPRESSIONS.includes(compression)) throw unknownEncoding(encoding);
  return {
    format: format as ValueFormat,
    ...(compression !== undefined && { compression: compression as Compression }),
    ...(encrypted && { encryptionKeyId: encrypted[1] }),
  };
}

function unknownEncoding(encoding: string): XComIntegrityError {
  return new XComIntegrityError(
    `Unknown XCom value encoding ${JSON.stringify(encoding)}: expected json or bytes, optionally followed by ` +
      `+gzip or +br and +aes256gcm.<key id>. It may have been written by a newer version or a custom codec.`,
  );
}
