import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { inSlices, yieldsWhileFed } from './digest';
import type { EncryptionKey } from './encryption-keys';

/**
 * The store-wide digest key: digests of encrypted values are HMAC-SHA-256 under it, so they stay the same when the
 * encryption keys rotate (refs, waits and the ledger compare digests). It is kept in the store only wrapped by an
 * encryption key (sql/000008_digest_key.sql).
 */
export const DIGEST_KEY_BYTES = 32;
const IV = 12;
const TAG = 16;
export const WRAPPED_DIGEST_KEY_BYTES = IV + DIGEST_KEY_BYTES + TAG;

export function newDigestKey(): Buffer {
  return randomBytes(DIGEST_KEY_BYTES);
}

/** IV | wrapped key | tag, bound to the key's id and the wrapping key's id. */
export function wrapDigestKey(digestKey: Buffer, keyId: string, kek: EncryptionKey): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv).setAAD(wrapAad(keyId, kek.id));
  const body = Buffer.concat([cipher.update(digestKey), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** The digest key; throws when the wrapped bytes were changed or wrapped by another key. */
export function unwrapDigestKey(wrapped: Buffer, keyId: string, kek: EncryptionKey): Buffer {
  if (wrapped.length !== WRAPPED_DIGEST_KEY_BYTES) throw new Error(`a wrapped digest key is ${WRAPPED_DIGEST_KEY_BYTES} bytes, not ${wrapped.length}`);
  const decipher = createDecipheriv('aes-256-gcm', kek.key, wrapped.subarray(0, IV)).setAAD(wrapAad(keyId, kek.id));
  decipher.setAuthTag(wrapped.subarray(IV + DIGEST_KEY_BYTES));
  return Buffer.concat([decipher.update(wrapped.subarray(IV, IV + DIGEST_KEY_BYTES)), decipher.final()]);
}

/**
 * Hex HMAC-SHA-256 of a value under the store's digest key: at once for a small value, else a promise (a large value
 * goes a slice at a time, yielding).
 */
export function hmacDigest(bytes: Uint8Array, digestKey: Buffer): string | Promise<string> {
  const hmac = createHmac('sha256', digestKey);
  if (!yieldsWhileFed(bytes)) return hmac.update(bytes).digest('hex');
  return inSlices(bytes, (slice) => hmac.update(slice)).then(() => hmac.digest('hex'));
}

function wrapAad(keyId: string, kekId: string): Buffer {
  return Buffer.from(`temporal-xcom/digest-key/v1|${keyId}|${kekId}`, 'utf8');
}
