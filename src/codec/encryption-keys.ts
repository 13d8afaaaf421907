import { XComConfigError } from '../errors';

/** One key-encryption key: 32 bytes for AES-256, named so stored values can say which key sealed them. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The keys a process holds: `current` seals new values; every key opens what it sealed. */
export interface EncryptionKeyring {
  readonly current: EncryptionKey;
  byId(id: string): EncryptionKey | undefined;
  readonly ids: readonly string[];
  /**
   * Whether values stored unencrypted are still read. Off by default: whoever can write the database could
   * otherwise swap an encrypted value for a plaintext one with a matching digest. On only while values written
   * before encryption was turned on remain (`XCOM_ENCRYPTION_READ_PLAINTEXT=true`).
   */
  readonly readPlaintext: boolean;
}

export const ENCRYPTION_KEYS_SETTING = 'XCOM_ENCRYPTION_KEYS';
export const READ_PLAINTEXT_SETTING = 'XCOM_ENCRYPTION_READ_PLAINTEXT';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A keyring from keys given newest first. */
export function encryptionKeyring(
  keys: readonly EncryptionKey[],
  options: { readPlaintext?: boolean; setting?: string } = {},
): EncryptionKeyring {
  const setting = options.setting ?? ENCRYPTION_KEYS_SETTING;
  if (keys.length === 0) throw new XComConfigError(`${setting} holds no key`);
  const byId = new Map<string, EncryptionKey>();
  keys.forEach(({ id, key }, i) => {
    const where = `${setting}: key ${i + 1}`;
    if (!KEY_ID.test(id)) {
      throw new XComConfigError(`${where} has the id ${JSON.stringify(id)}; use 1-32 letters, digits, '_' or '-'`);
    }
    if (key.length !== 32) throw new XComConfigError(`${where} ('${id}') is ${key.length} bytes; AES-256 needs 32`);
    if (byId.has(id)) throw new XComConfigError(`${where}: the id '${id}' appears twice`);
    byId.set(id, { id, key: Buffer.from(key) });
  });
  return {
    current: byId.get(keys[0]!.id)!,
    byId: (id) => byId.get(id),
    ids: [...byId.keys()],
    readPlaintext: options.readPlaintext ?? false,
  };
}

/**
 * Parses `id:base64key[,id:base64key…]`, newest first (the first key seals new values; the others still open
 * what they sealed until removed). Messages name the setting and the position, never a key's bytes.
 * Make a key with `openssl rand -base64 32`.
 */
export function parseEncryptionKeys(
  text: string,
  options: { readPlaintext?: boolean; setting?: string } = {},
): EncryptionKeyring {
  const setting = options.setting ?? ENCRYPTION_KEYS_SETTING;
  const keys = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, i) => {
      const colon = part.indexOf(':');
      if (colon < 0) throw new XComConfigError(`${setting}: key ${i + 1} is not 'id:base64key'`);
      const encoded = part.slice(colon + 1).trim();
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
        throw new XComConfigError(`${setting}: key ${i + 1} ('${part.slice(0, colon)}') is not base64`);
      }
      return { id: part.slice(0, colon).trim(), key: Buffer.from(encoded, 'base64') };
    });
  return encryptionKeyring(keys, { ...options, setting });
}
