import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { dataKeys, WRAPPED_DATA_KEY_BYTES } from './data-keys';
import { inSlices, yieldsWhileFed } from './digest';
import { hmacDigest } from './digest-key';
import type { EncryptionKey } from './encryption-keys';

/**
 * AES-256-GCM envelope encryption of one stored value. A data key seals the bytes under an IV of its own; the
 * key-encryption key seals the data key. Layout: version (1) | wrap IV (12) | wrapped data key (32) | wrap tag (16) |
 * IV (12) | ciphertext | tag (16). The body authenticates `aad`, so a value moved under another digest or format
 * fails. Version 2 (written now) reuses data keys (src/codec/data-keys.ts) and binds their wrap to the key id;
 * version 1 (a data key per value, its wrap bound to `aad` too) is still read.
 */

const VERSION = 2;
const VERSION_1 = 1;
const IV = 12;
const TAG = 16;
const DATA_KEY = 32;
const HEADER = 1 + IV + DATA_KEY + TAG + IV;
export const ENVELOPE_OVERHEAD_BYTES = HEADER + TAG;

/**
 * Seals `plain` into one buffer allocated at its final size: at once for a small value, else a promise, a large value
 * being encrypted a slice at a time, yielding between slices (heartbeats keep running); GCM's `update()` returns as
 * many bytes as it is given and `final()` none.
 */
export function sealEnvelopeMaybeSync(plain: Buffer, kek: EncryptionKey, aad: Buffer): Buffer | Promise<Buffer> {
  const { dataKey, iv } = dataKeys.nextSealing(kek);
  const sealed = Buffer.allocUnsafe(ENVELOPE_OVERHEAD_BYTES + plain.length);
  sealed[0] = VERSION;
  dataKey.wrapped.copy(sealed, 1);
  iv.copy(sealed, 1 + WRAPPED_DATA_KEY_BYTES);
  const seal = createCipheriv('aes-256-gcm', dataKey.key, iv).setAAD(aad);
  let at = HEADER;
  const update = (slice: Uint8Array) => {
    at += seal.update(slice).copy(sealed, at);
  };
  const finish = () => {
    seal.final();
    if (at !== sealed.length - TAG) throw new Error(`AES-GCM returned ${at - HEADER} bytes for ${plain.length}`);
    seal.getAuthTag().copy(sealed, at);
    return sealed;
  };
  if (!yieldsWhileFed(plain)) return (update(plain), finish());
  return inSlices(plain, update).then(finish);
}

/**
 * The plain bytes (at once for a small value, else a promise); throws when the envelope was changed, sealed with
 * another key, or bound to other `aad`. A large value is decrypted a slice at a time, yielding between slices; nothing
 * is returned before the tag is checked.
 */
export function openEnvelopeMaybeSync(sealed: Buffer, kek: EncryptionKey, aad: Buffer): Buffer | Promise<Buffer> {
  const version = sealed[0];
  if (sealed.length < ENVELOPE_OVERHEAD_BYTES || (version !== VERSION && version !== VERSION_1)) {
    throw new Error(`not an encrypted value of version ${VERSION_1} or ${VERSION} (${sealed.length} bytes)`);
  }
  const wrappedKey = sealed.subarray(1, 1 + WRAPPED_DATA_KEY_BYTES);
  const iv = sealed.subarray(1 + WRAPPED_DATA_KEY_BYTES, HEADER);
  const body = sealed.subarray(HEADER, sealed.length - TAG);
  const tag = sealed.subarray(sealed.length - TAG);
  const dataKey = version === VERSION ? dataKeys.forOpening(kek, wrappedKey) : unwrapVersion1(wrappedKey, kek, aad);
  const open = createDecipheriv('aes-256-gcm', dataKey, iv).setAAD(aad);
  open.setAuthTag(tag);
  if (!yieldsWhileFed(body)) {
    const plain = open.update(body);
    open.final();
    return plain;
  }
  const out: Buffer[] = [];
  return inSlices(body, (slice) => out.push(open.update(slice))).then(() => {
    open.final();
    return Buffer.concat(out);
  });
}

/** {@link sealEnvelopeMaybeSync}, always a promise (a failure rejects it). */
export async function sealEnvelope(plain: Buffer, kek: EncryptionKey, aad: Buffer): Promise<Buffer> {
  return sealEnvelopeMaybeSync(plain, kek, aad);
}

/** {@link openEnvelopeMaybeSync}, always a promise (a failure rejects it). */
export async function openEnvelope(sealed: Buffer, kek: EncryptionKey, aad: Buffer): Promise<Buffer> {
  return openEnvelopeMaybeSync(sealed, kek, aad);
}

/** A version 1 data key: its wrap is bound to the value's `aad`, and used for that value alone. */
function unwrapVersion1(wrappedKey: Buffer, kek: EncryptionKey, aad: Buffer): Buffer {
  const unwrap = createDecipheriv('aes-256-gcm', kek.key, wrappedKey.subarray(0, IV)).setAAD(aad);
  unwrap.setAuthTag(wrappedKey.subarray(IV + DATA_KEY));
  const dataKey = unwrap.update(wrappedKey.subarray(IV, IV + DATA_KEY));
  unwrap.final();
  return dataKey;
}

/** What an envelope's body (and a version 1 wrap) authenticates: the value's encoding and digest. */
export function envelopeAad(encoding: string, digest: string): Buffer {
  return Buffer.from(`temporal-xcom/v1|${encoding}|${digest.toLowerCase()}`, 'utf8');
}

/**
 * The digest of an encrypted value written without the store's digest key (before sql/000008, or by a codec made
 * without one): HMAC-SHA-256 under a key derived from the key-encryption key. A plain SHA-256
 * would let anyone reading the database confirm a guess of a small value; this one needs the key.
 */
export function keyedDigest(bytes: Uint8Array, kek: EncryptionKey): string | Promise<string> {
  return hmacDigest(bytes, digestKeyOf(kek));
}

/** Derived once per key: HKDF costs more than the HMAC of a small value. */
const digestKeys = new WeakMap<EncryptionKey, Buffer>();
function digestKeyOf(kek: EncryptionKey): Buffer {
  let key = digestKeys.get(kek);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), 'temporal-xcom value digest', 32));
    digestKeys.set(kek, key);
  }
  return key;
}
