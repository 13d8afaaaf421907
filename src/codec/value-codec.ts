import { types } from 'node:util';
import { XComConfigError, XComError, XComIntegrityError } from '../errors';
import { compressIfSmaller, type CompressionPolicy, decompress, DEFAULT_COMPRESS_ABOVE_BYTES } from './compression';
import { sha256HexYielding } from './digest';
import type { EncodedValue, ValueFormat, ValueLocation } from './encoded-value';
import { formatEncoding, parseEncoding, type ParsedEncoding } from './encoding';
import { ENCRYPTION_KEYS_SETTING, READ_PLAINTEXT_SETTING, type EncryptionKey, type EncryptionKeyring } from './encryption-keys';
import { hmacDigest } from './digest-key';
import { envelopeAad, keyedDigest, openEnvelopeMaybeSync, sealEnvelopeMaybeSync } from './envelope';
import { fromJsonText, toJsonText } from './json-value';
import { describeLocation } from './location';

export { parseEncoding, type ParsedEncoding } from './encoding';

/**
 * Turns values into stored bytes and back: the seam users override, like Airflow's
 * `BaseXCom.serialize_value` / `deserialize_value`.
 */
export interface ValueCodec {
  /** Serializes (and maybe compresses) a value. Throws XComSerializationError for values with no stored form. */
  encode(value: unknown, location?: ValueLocation): Promise<EncodedValue>;
  /**
   * Reverses {@link encode}: decompresses per `encoding`, checks `digest` (the hex SHA-256 `encode` returned),
   * then parses. Throws XComIntegrityError for an unknown encoding, corrupt or tampered bytes.
   */
  decode(stored: Buffer, encoding: string, digest: string, location?: ValueLocation): Promise<unknown>;
}

export interface ValueCodecOptions {
  /** Default `gzip`. Compression is kept only when it makes the stored bytes smaller. */
  readonly compression?: 'gzip' | 'br' | 'none';
  /** Values serializing to fewer bytes are never compressed. Default 1024. */
  readonly compressAboveBytes?: number;
  /**
   * Encrypt values at rest (rows and objects) with AES-256-GCM envelopes under `current`; any key of the ring
   * decrypts. Digests become keyed (HMAC-SHA-256) so they reveal nothing about small values. Unset: plaintext.
   */
  readonly encryption?: EncryptionKeyring;
  /**
   * The store's digest key (sql/000008_digest_key.sql), asked for the first time an encrypted value is written or a
   * value digested under it is read; `openXComStore` supplies it. Digests under it survive key rotation. Without it,
   * an encrypting codec digests under a key derived from each encryption key (as before digest keys), so the digest
   * of a value changes when `xcom rotate-keys` would reseal it — rotation keeps such digests as they are.
   */
  readonly digestKey?: () => Promise<Buffer>;
}

/**
 * The default codec. A top-level Uint8Array or Buffer is stored as raw bytes (format `bytes`, read back as a
 * Buffer) so large binary values do not grow by base64's third; everything else is UTF-8 JSON from toJsonText.
 * `sizeBytes` and `digest` describe the serialized bytes before compression.
 */
export function createValueCodec(options: ValueCodecOptions = {}): ValueCodec {
  const policy = compressionPolicy(options);
  const keyring = options.encryption;
  const digestKey = options.digestKey && once(options.digestKey);
  return {
    async encode(value, location) {
      const { format, bytes } = serialize(value, location);
      const kek = keyring?.current;
      const storeKey = kek && digestKey ? await digestKey() : undefined;
      const digest = storeKey ? await hmacDigest(bytes, storeKey) : kek ? await keyedDigest(bytes, kek) : await sha256HexYielding(bytes);
      const stored = await compressIfSmaller(bytes, policy);
      const encoding = formatEncoding(format, stored.compression, kek?.id, storeKey ? 'store' : undefined);
      return {
        bytes: kek ? await sealEnvelopeMaybeSync(stored.bytes, kek, envelopeAad(encoding, digest)) : stored.bytes,
        encoding,
        sizeBytes: bytes.length,
        digest,
      };
    },

    async decode(stored, encoding, digest, location) {
      // Only messages need it: built when one is thrown.
      const where = () => describeLocation(location);
      let parsed;
      try {
        parsed = parseEncoding(encoding);
      } catch (error) {
        throw new XComIntegrityError(`Cannot read ${where()}: ${(error as Error).message}`, { cause: error });
      }
      if (keyring && !keyring.readPlaintext && parsed.encryptionKeyId === undefined) {
        throw new XComIntegrityError(
          `Refusing ${where()}: it is stored unencrypted (encoding ${encoding}) while encryption is on. If it was ` +
            `written before ${ENCRYPTION_KEYS_SETTING} was set, allow such values with ${READ_PLAINTEXT_SETTING}=true.`,
        );
      }
      const kek = parsed.encryptionKeyId === undefined ? undefined : keyFor(parsed, keyring, where);
      let bytes = kek ? await open(stored, kek, encoding, digest, where) : stored;
      if (parsed.compression) {
        try {
          bytes = await decompress(bytes, parsed.compression);
        } catch (error) {
          throw new XComIntegrityError(
            `Cannot decompress ${where()} (encoding ${encoding}): ${(error as Error).message}. The stored bytes are corrupt.`,
            { cause: error },
          );
        }
      }
      const actual = await recomputedDigest(bytes, kek);
      if (actual !== undefined && actual !== digest.toLowerCase()) {
        throw new XComIntegrityError(
          `Digest mismatch for ${where()}: expected sha256 ${digest}, got ${actual}. ` +
            `The stored bytes were changed or corrupted after they were written.`,
        );
      }
      if (parsed.format === 'bytes') return bytes;
      try {
        return fromJsonText(bytes.toString('utf8'));
      } catch (error) {
        if (error instanceof XComError) throw error;
        throw new XComIntegrityError(`Cannot parse ${where()} as XCom JSON: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}

/**
 * The digest `bytes` should have, or undefined when nothing needs recomputing: an encrypted value's envelope already
 * authenticates its digest (the digest is in the associated data its tag covers, so only a holder of the key could
 * have sealed these bytes under it), and the key a carried-over digest was made with may be gone.
 */
function recomputedDigest(bytes: Buffer, kek: EncryptionKey | undefined): Promise<string> | undefined {
  return kek ? undefined : sha256HexYielding(bytes);
}

/** Calls `load` once; a failure is not remembered, so the next call tries again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load().catch((err: unknown) => {
    loaded = undefined;
    throw err;
  }));
}

function keyFor(parsed: ParsedEncoding, keyring: EncryptionKeyring | undefined, where: () => string): EncryptionKey {
  const id = parsed.encryptionKeyId!;
  const key = keyring?.byId(id);
  if (key) return key;
  throw new XComConfigError(
    `Cannot read ${where()}: it is encrypted with key '${id}', which ${ENCRYPTION_KEYS_SETTING} does not hold ` +
      `(${keyring ? `it holds ${keyring.ids.map((k) => `'${k}'`).join(', ')}` : 'it is not set'}).`,
  );
}

/** The envelope's plain bytes, at once for a small value; any failure becomes an integrity error naming the value. */
function open(stored: Buffer, kek: EncryptionKey, encoding: string, digest: string, where: () => string): Buffer | Promise<Buffer> {
  const failed = (error: unknown): never => {
    throw new XComIntegrityError(
      `Cannot decrypt ${where()} with key '${kek.id}': ${(error as Error).message}. The stored bytes or their digest ` +
        `were changed after they were written (or forged).`,
      { cause: error },
    );
  };
  try {
    const plain = openEnvelopeMaybeSync(stored, kek, envelopeAad(encoding, digest));
    return plain instanceof Promise ? plain.catch(failed) : plain;
  } catch (error) {
    return failed(error);
  }
}

function serialize(value: unknown, location?: ValueLocation): { format: ValueFormat; bytes: Buffer } {
  // A copy: compression runs later on the thread pool, and the caller may reuse its buffer meanwhile.
  if (types.isUint8Array(value)) return { format: 'bytes', bytes: Buffer.from(value) };
  return { format: 'json', bytes: Buffer.from(toJsonText(value, location), 'utf8') };
}

function compressionPolicy(options: ValueCodecOptions): CompressionPolicy {
  const { compression = 'gzip', compressAboveBytes = DEFAULT_COMPRESS_ABOVE_BYTES } = options;
  if (compression !== 'gzip' && compression !== 'br' && compression !== 'none') {
    throw new XComConfigError(`Invalid XCom compression ${JSON.stringify(compression)}: use 'gzip', 'br' or 'none'.`);
  }
  if (!Number.isInteger(compressAboveBytes) || compressAboveBytes < 0) {
    throw new XComConfigError(
      `Invalid compressAboveBytes ${String(compressAboveBytes)}: use a whole number of bytes, 0 or more.`,
    );
  }
  return { algorithm: compression, compressAboveBytes };
}
