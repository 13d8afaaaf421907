import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './encryption-keys';

const KEY = 32;
const IV = 12;
const TAG = 16;
/** A wrapped data key as stored in an envelope: wrap IV | wrapped key | wrap tag. */
export const WRAPPED_DATA_KEY_BYTES = IV + KEY + TAG;
/** A value's IV: a prefix drawn once per data key, then the data key's use number (big-endian). */
const IV_PREFIX = 8;
/** The use numbers a 4-byte counter holds: a data key never seals more values than this. */
export const MAX_USES_PER_DATA_KEY = 0xffff_ffff;

/** A data key and its wrapped form under a key-encryption key. */
export interface DataKey {
  readonly key: Buffer;
  readonly wrapped: Buffer;
}

/** One sealing: the data key and the IV no other value sealed with that key gets. */
export interface Sealing {
  readonly dataKey: DataKey;
  readonly iv: Buffer;
}

export interface DataKeyLimits {
  /** Values one data key seals before a new one is made; at most {@link MAX_USES_PER_DATA_KEY} (its IV counter). */
  readonly maxUses: number;
  /** How long one data key seals, so a long-lived worker keeps making new ones. */
  readonly maxAgeMs: number;
  /** Unwrapped data keys kept per key-encryption key for reads. */
  readonly openCacheSize: number;
}

const DEFAULT_LIMITS: DataKeyLimits = { maxUses: 1 << 16, maxAgeMs: 10 * 60_000, openCacheSize: 1024 };

interface SealingKey {
  readonly dataKey: DataKey;
  readonly ivPrefix: Buffer;
  uses: number;
  readonly madeAt: number;
}

/**
 * Data keys for envelopes, reused: wrapping a fresh data key for every value cost a second AES-GCM context and two
 * more random draws per value, half of what sealing a small value costs. A data key seals up to `maxUses` values for
 * up to `maxAgeMs`. Each value's IV is the data key's random prefix and its use number, so no two values sealed with
 * one key share an IV (a random draw per value cost as much as the cipher); the data key lives in this process only
 * and is replaced before its counter could wrap. Readers keep recently unwrapped keys, so a value sealed with a data
 * key seen before costs one AES-GCM context to open. The wrap is bound to the key-encryption key's id; each value's
 * body stays bound to its own encoding and digest.
 */
export class DataKeys {
  readonly #sealing = new WeakMap<EncryptionKey, SealingKey>();
  readonly #opened = new WeakMap<EncryptionKey, Map<string, Buffer>>();
  /** The last wrapped key opened: reads in a row mostly share one, and a match skips the cache's base64 key. */
  #lastOpened: { kek: EncryptionKey; wrapped: Buffer; key: Buffer } | undefined;

  constructor(
    private readonly limits: DataKeyLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(limits.maxUses) || limits.maxUses < 1 || limits.maxUses > MAX_USES_PER_DATA_KEY) {
      throw new RangeError(`data key maxUses is ${limits.maxUses}; use a whole number from 1 to ${MAX_USES_PER_DATA_KEY} (the IV counter's range)`);
    }
  }

  /** The data key to seal the next value with and that value's IV (never handed out twice for one data key). */
  nextSealing(kek: EncryptionKey): Sealing {
    let current = this.#sealing.get(kek);
    if (!current || current.uses >= this.limits.maxUses || this.now() - current.madeAt >= this.limits.maxAgeMs) {
      current = { dataKey: newDataKey(kek), ivPrefix: randomBytes(IV_PREFIX), uses: 0, madeAt: this.now() };
      this.#sealing.set(kek, current);
    }
    current.uses += 1;
    const iv = Buffer.allocUnsafe(IV);
    current.ivPrefix.copy(iv, 0);
    iv.writeUInt32BE(current.uses, IV_PREFIX);
    return { dataKey: current.dataKey, iv };
  }

  /** The data key inside `wrapped`; throws when it was changed or wrapped under another key. */
  forOpening(kek: EncryptionKey, wrapped: Buffer): Buffer {
    const last = this.#lastOpened;
    if (last && last.kek === kek && last.wrapped.equals(wrapped)) return last.key;
    let cache = this.#opened.get(kek);
    if (!cache) this.#opened.set(kek, (cache = new Map<string, Buffer>()));
    const id = wrapped.toString('base64');
    let key = cache.get(id);
    if (!key) {
      const unwrap = createDecipheriv('aes-256-gcm', kek.key, wrapped.subarray(0, IV)).setAAD(wrapAad(kek));
      unwrap.setAuthTag(wrapped.subarray(IV + KEY));
      key = unwrap.update(wrapped.subarray(IV, IV + KEY));
      unwrap.final();
      if (cache.size >= this.limits.openCacheSize) cache.delete(cache.keys().next().value!);
      cache.set(id, key);
    }
    // A copy of the wrapped bytes: the caller's buffer may be reused after this returns.
    this.#lastOpened = { kek, wrapped: Buffer.from(wrapped), key };
    return key;
  }
}

function newDataKey(kek: EncryptionKey): DataKey {
  const key = randomBytes(KEY);
  const wrapIv = randomBytes(IV);
  const wrap = createCipheriv('aes-256-gcm', kek.key, wrapIv).setAAD(wrapAad(kek));
  const wrappedKey = wrap.update(key);
  wrap.final();
  return { key, wrapped: Buffer.concat([wrapIv, wrappedKey, wrap.getAuthTag()]) };
}

function wrapAad(kek: EncryptionKey): Buffer {
  return Buffer.from(`temporal-xcom/data-key/v2|${kek.id}`, 'utf8');
}

/** The process's data keys. */
export const dataKeys = new DataKeys();
