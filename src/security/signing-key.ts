import { XComConfigError } from '../errors';

/** A key refs are signed with. Its id travels in every ref it signs, so the key can be rotated. */
export interface SigningKey {
  readonly id: string;
  readonly secret: Uint8Array;
}

/** What the plugin option `signingKeys` accepts for one key: the secret as text (UTF-8) or bytes. */
export interface SigningKeyInput {
  readonly id: string;
  readonly secret: string | Uint8Array;
}

/** The keys a worker holds: the first signs, every one verifies (older keys stay listed until their refs are gone). */
export interface SigningKeys {
  readonly current: SigningKey;
  get(id: string): SigningKey | undefined;
  readonly ids: readonly string[];
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;
/** HMAC-SHA-256 gains nothing from a longer key than its block, and a short one can be guessed. */
export const MIN_SECRET_BYTES = 32;

export function signingKeys(keys: readonly SigningKeyInput[], source: string): SigningKeys {
  if (keys.length === 0) throw new XComConfigError(`${source}: no signing key given`);
  const byId = new Map<string, SigningKey>();
  for (const input of keys) {
    const key = checkedKey(input, source);
    if (byId.has(key.id)) throw new XComConfigError(`${source}: key id '${key.id}' is listed twice`);
    byId.set(key.id, key);
  }
  const ids = [...byId.keys()];
  return { current: byId.get(ids[0]!)!, get: (id) => byId.get(id), ids };
}

/**
 * `XCOM_SIGNING_KEY`: `<id>:<secret>[,<id>:<secret>…]`. The first key signs; the others only verify, so a new key
 * goes first and an old one stays listed until no workflow holds refs signed with it.
 */
export function parseSigningKeys(text: string, source = 'XCOM_SIGNING_KEY'): SigningKeys {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new XComConfigError(`${source}: entry ${i + 1} must be <key id>:<secret> (for example k2026:<32+ random characters>)`);
    }
    return { id: entry.slice(0, colon), secret: entry.slice(colon + 1) };
  });
  return signingKeys(keys, source);
}

function checkedKey(input: SigningKeyInput, source: string): SigningKey {
  if (typeof input.id !== 'string' || !KEY_ID.test(input.id)) {
    throw new XComConfigError(`${source}: key id ${JSON.stringify(input.id)} must be 1-32 letters, digits, '_', '.' or '-'`);
  }
  const secret = typeof input.secret === 'string' ? new TextEncoder().encode(input.secret) : input.secret;
  if (!(secret instanceof Uint8Array) || secret.byteLength < MIN_SECRET_BYTES) {
    throw new XComConfigError(
      `${source}: the secret of key '${input.id}' has ${secret instanceof Uint8Array ? secret.byteLength : 0} bytes; ` +
        `it needs at least ${MIN_SECRET_BYTES} (for example: openssl rand -base64 48)`,
    );
  }
  return { id: input.id, secret };
}
