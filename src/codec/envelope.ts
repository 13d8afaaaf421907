import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { inSlices } from './digest';
import { hmacDigest } from './digest-key';
import type { EncryptionKey } from './encryption-keys';

/**
 * AES-256-GCM envelope encryption of one stored value. A fresh data key seals the bytes; the key-encryption key
 * seals the data key. Layout: version (1) | wrap IV (12) | wrapped data key (32) | wrap tag (16) | IV (12) |
 * ciphertext | tag (16). Both seals authenticate `aad`, so a value moved under another digest or format fails.
 */

const VERSION = 1;
const IV = 12;
const TAG = 16;
const DATA_KEY = 32;
const HEADER = 1 + IV + DATA_KEY + TAG + IV;
export const ENVELOPE_OVERHEAD_BYTES = HEADER + TAG;

/**
 * Seals `plain`. A large value is encrypted a slice at a time, yielding between slices (heartbeats keep running);
 * GCM's `final()` adds no bytes, so the slices and the header are joined in one copy.
 */
export async function sealEnvelope(plain: Buffer, kek: EncryptionKey, aad: Buffer): Promise<Buffer> {
  const dataKey = randomBytes(DATA_KEY + IV + IV);
  const wrapIv = dataKey.subarray(DATA_KEY, DATA_KEY + IV);
  const iv = dataKey.subarray(DATA_KEY + IV);
  const key = dataKey.subarray(0, DATA_KEY);
  const wrap = createCipheriv('aes-256-gcm', kek.key, wrapIv).setAAD(aad);
  const wrapped = wrap.update(key);
  wrap.final();
  const seal = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const body: Buffer[] = [];
  await inSlices(plain, (slice) => body.push(seal.update(slice)));
  seal.final();
  return Buffer.concat([Buffer.of(VERSION), wrapIv, wrapped, wrap.getAuthTag(), iv, ...body, seal.getAuthTag()]);
}

/**
 * The plain bytes; throws when the envelope was changed, sealed with another key, or bound to other `aad`. A large
 * value is decrypted a slice at a time, yielding between slices; nothing is returned before the tag is checked.
 */
export async function openEnvelope(sealed: Buffer, kek: EncryptionKey, aad: Buffer): Promise<Buffer> {
  if (sealed.length < ENVELOPE_OVERHEAD_BYTES || sealed[0] !== VERSION) {
    throw new Error(`not an encrypted value of version ${VERSION} (${sealed.length} bytes)`);
  }
  let at = 1;
  const take = (n: number): Buffer => sealed.subarray(at, (at += n));
  const wrapIv = take(IV);
  const wrapped = take(DATA_KEY);
  const wrapTag = take(TAG);
  const iv = take(IV);
  const body = sealed.subarray(at, sealed.length - TAG);
  const tag = sealed.subarray(sealed.length - TAG);
  const unwrap = createDecipheriv('aes-256-gcm', kek.key, wrapIv).setAAD(aad);
  unwrap.setAuthTag(wrapTag);
  const dataKey = unwrap.update(wrapped);
  unwrap.final();
  const open = createDecipheriv('aes-256-gcm', dataKey, iv).setAAD(aad);
  open.setAuthTag(tag);
  const out: Buffer[] = [];
  await inSlices(body, (slice) => out.push(open.update(slice)));
  open.final();
  return out.length === 1 ? out[0]! : Buffer.concat(out);
}

/** What both seals of an envelope authenticate: the value's encoding (format, compression, key) and digest. */
export function envelopeAad(encoding: string, digest: string): Buffer {
  return Buffer.from(`temporal-xcom/v1|${encoding}|${digest.toLowerCase()}`, 'utf8');
}

/**
 * The digest of an encrypted value written without the store's digest key (before sql/000008, or by a codec made
 * without one): HMAC-SHA-256 under a key derived from the key-encryption key. A plain SHA-256
 * would let anyone reading the database confirm a guess of a small value; this one needs the key.
 */
export function keyedDigest(bytes: Uint8Array, kek: EncryptionKey): Promise<string> {
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
