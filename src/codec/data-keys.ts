import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './encryption-keys';

const KEY = 32;
const IV = 12;
const TAG = 16;
/** A wrapped data key as stored in an envelope: wrap IV | wrapped key | wrap tag. */
export const WRAPPED_DATA_KEY_BYTES = IV + KEY + TAG;

/** A data key and its wrapped form under a key-encryption key. */
export interface DataKey {
  readonly key: Buffer;
  readonly wrapped: Buffer;
}

export interface DataKeyLimits {
  /** Values one data key seals before a new one is made; far below AES-GCM's 2^32 random IVs per key. */
  readonly maxUses: number;
  /** How long one data key seals, so a long-lived worker keeps making new ones. */
  readonly maxAgeMs: number;
  /** Unwrapped data keys kept per key-encryption key for reads. */
  readonly openCacheSize: number;
}

const DEFAULT_LIMITS: DataKeyLimits = { maxUses: 1 << 16, maxAgeMs: 10 * 60_000, openCacheSize: 1024 };

/**
 * Data keys for envelopes, reused: wrapping a fresh data key for every value cost a second AES-GCM context and two
 * more random draws per value, half of what sealing a small value costs. A data key seals up to `maxUses` values for
 * up to `maxAgeMs`, each under its own random IV; readers keep recently unwrapped keys, so a value sealed with a
 * data key seen before costs one AES-GCM context to open. The wrap is bound to the key-encryption key's id; each
 * value's body stays bound to its own encoding and digest.
 */
export class DataKeys {
  readonly #sealing = new WeakMap<EncryptionKey, { dataKey: DataKey; uses: number; madeAt: number }>();
  readonly #opened = new WeakMap<EncryptionKey, Map<string, Buffer>>();

  constructor(
    private readonly limits: DataKeyLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The data key to seal the next value with. */
  forSealing(kek: EncryptionKey): DataKey {
    const current = this.#sealing.get(kek);
    if (current && current.uses < this.limits.maxUses && this.now() - current.madeAt < this.limits.maxAgeMs) {
      current.uses += 1;
      return current.dataKey;
    }
    const key = randomBytes(KEY);
    const wrapIv = randomBytes(IV);
    const wrap = createCipheriv('aes-256-gcm', kek.key, wrapIv).setAAD(wrapAad(kek));
    const wrappedKey = wrap.update(key);
    wrap.final();
    const dataKey = { key, wrapped: Buffer.concat([wrapIv, wrappedKey, wrap.getAuthTag()]) };
    this.#sealing.set(kek, { dataKey, uses: 1, madeAt: this.now() });
    return dataKey;
  }

  /** The data key inside `wrapped`; throws when it was changed or wrapped under another key. */
  forOpening(kek: EncryptionKey, wrapped: Buffer): Buffer {
    let cache = this.#opened.get(kek);
    if (!cache) this.#opened.set(kek, (cache = new Map<string, Buffer>()));
    const id = wrapped.toString('base64');
    const hit = cache.get(id);
    if (hit) return hit;
    const unwrap = createDecipheriv('aes-256-gcm', kek.key, wrapped.subarray(0, IV)).setAAD(wrapAad(kek));
    unwrap.setAuthTag(wrapped.subarray(IV + KEY));
    const key = unwrap.update(wrapped.subarray(IV, IV + KEY));
    unwrap.final();
    if (cache.size >= this.limits.openCacheSize) cache.delete(cache.keys().next().value!);
    cache.set(id, key);
    return key;
  }
}

function wrapAad(kek: EncryptionKey): Buffer {
  return Buffer.from(`temporal-xcom/data-key/v2|${kek.id}`, 'utf8');
}

/** The process's data keys. */
export const dataKeys = new DataKeys();
