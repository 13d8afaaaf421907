import { XComIntegrityError } from '../errors';
import type { Compression, ValueFormat } from './encoded-value';

export interface ParsedEncoding {
  readonly format: ValueFormat;
  readonly compression?: Compression;
  /** The key that sealed the stored bytes (`+aes256gcm.<keyId>`): they are an envelope (src/codec/envelope.ts). */
  readonly encryptionKeyId?: string;
  /**
   * What the digest of an encrypted value is (`+digest.<origin>`, after the key): `store`, an HMAC under the store's
   * digest key; `sha256` or `hkdf-<key id>`, a digest carried over from the value's earlier encoding by
   * `xcom rotate-keys` (plain SHA-256, or an HMAC under a key derived from that encryption key). Absent on an
   * encrypted value: an HMAC under a key derived from the key that sealed it (values written before digest keys).
   */
  readonly digestOrigin?: string;
}

const FORMATS: readonly string[] = ['json', 'bytes'] satisfies ValueFormat[];
const COMPRESSIONS: readonly string[] = ['gzip', 'br'] satisfies Compression[];
const ENCRYPTED = /^aes256gcm\.([A-Za-z0-9_-]{1,32})$/;
const DIGEST_ORIGIN = /^digest\.(store|sha256|hkdf-[A-Za-z0-9_-]{1,32})$/;

/** `json`, `bytes+gzip`, `json+gzip+aes256gcm.k1+digest.store`, …: the per-entry encoding string. */
export function formatEncoding(
  format: ValueFormat,
  compression?: Compression,
  encryptionKeyId?: string,
  digestOrigin?: string,
): string {
  let encoding: string = format;
  if (compression) encoding += `+${compression}`;
  if (encryptionKeyId !== undefined) encoding += `+aes256gcm.${encryptionKeyId}`;
  if (digestOrigin !== undefined) encoding += `+digest.${digestOrigin}`;
  return encoding;
}

/**
 * Encodings already parsed. A store holds a handful of distinct encodings (format × compression × key × digest
 * origin), and every read parses one: two regular expressions, a split and a spread per read of a small value. Bounded,
 * in case something feeds many distinct strings through it (each is at most a few dozen bytes).
 */
const parsedEncodings = new Map<string, ParsedEncoding>();
const MAX_PARSED_ENCODINGS = 256;

/** Splits and validates an encoding string; anything this version cannot read is an integrity error. */
export function parseEncoding(encoding: string): ParsedEncoding {
  let parsed = parsedEncodings.get(encoding);
  if (parsed === undefined) {
    parsed = Object.freeze(parseUncached(encoding));
    if (parsedEncodings.size >= MAX_PARSED_ENCODINGS) parsedEncodings.clear();
    parsedEncodings.set(encoding, parsed);
  }
  return parsed;
}

function parseUncached(encoding: string): ParsedEncoding {
  const parts = encoding.split('+');
  const format = parts.shift();
  if (format === undefined || !FORMATS.includes(format)) throw unknownEncoding(encoding);
  const digest = parts.length > 0 ? DIGEST_ORIGIN.exec(parts[parts.length - 1]!) : null;
  if (digest) parts.pop();
  const encrypted = parts.length > 0 ? ENCRYPTED.exec(parts[parts.length - 1]!) : null;
  if (encrypted) parts.pop();
  // A digest origin says how an encrypted value's digest was made; a plain value's digest is always SHA-256.
  if (digest && !encrypted) throw unknownEncoding(encoding);
  if (parts.length > 1) throw unknownEncoding(encoding);
  const [compression] = parts;
  if (compression !== undefined && !COMPRESSIONS.includes(compression)) throw unknownEncoding(encoding);
  return {
    format: format as ValueFormat,
    ...(compression !== undefined && { compression: compression as Compression }),
    ...(encrypted && { encryptionKeyId: encrypted[1] }),
    ...(digest && { digestOrigin: digest[1] }),
  };
}

function unknownEncoding(encoding: string): XComIntegrityError {
  return new XComIntegrityError(
    `Unknown XCom value encoding ${JSON.stringify(encoding)}: expected json or bytes, optionally followed by ` +
      `+gzip or +br and +aes256gcm.<key id>[+digest.<origin>]. It may have been written by a newer version or a custom codec.`,
  );
}
