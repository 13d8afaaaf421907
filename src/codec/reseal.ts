import { XComConfigError, XComIntegrityError } from '../errors';
import { decompress } from './compression';
import { sha256Hex } from './digest';
import { formatEncoding, parseEncoding } from './encoding';
import { ENCRYPTION_KEYS_SETTING, type EncryptionKeyring } from './encryption-keys';
import { envelopeAad, openEnvelope, sealEnvelope } from './envelope';

/** A stored value sealed again under the keyring's current key: new bytes and encoding, the same digest. */
export interface Resealed {
  readonly bytes: Buffer;
  readonly encoding: string;
}

/**
 * Seals stored bytes again under `keyring.current` without parsing the value: the envelope is opened with the key
 * that sealed it (which authenticates the bytes, the encoding and the digest), and the compressed bytes inside are
 * sealed under the current key. The digest stays as it is, so refs, waits and the ledger that pin it still match;
 * the new encoding names where it came from (`+digest.<origin>`) when it is not the store's digest key. A plain
 * value (written before encryption) is checked against its SHA-256 first, so a value forged in the database is not
 * laundered into a sealed one. Returns undefined when the value is already sealed under the current key.
 */
export async function resealStored(
  stored: Buffer,
  encoding: string,
  digest: string,
  keyring: EncryptionKeyring,
  where: string,
): Promise<Resealed | undefined> {
  let parsed;
  try {
    parsed = parseEncoding(encoding);
  } catch (error) {
    throw new XComIntegrityError(`Cannot reseal ${where}: ${(error as Error).message}`, { cause: error });
  }
  const current = keyring.current;
  if (parsed.encryptionKeyId === current.id) return undefined;
  let inner: Buffer;
  let origin: string;
  if (parsed.encryptionKeyId === undefined) {
    const plain = parsed.compression ? await decompress(stored, parsed.compression).catch(corrupt(where)) : stored;
    if (sha256Hex(plain) !== digest.toLowerCase()) {
      throw new XComIntegrityError(`Cannot reseal ${where}: its stored bytes do not match its sha256 digest ${digest}`);
    }
    inner = stored;
    origin = 'sha256';
  } else {
    const kek = keyring.byId(parsed.encryptionKeyId);
    if (!kek) {
      throw new XComConfigError(
        `Cannot reseal ${where}: it is encrypted with key '${parsed.encryptionKeyId}', which ` +
          `${ENCRYPTION_KEYS_SETTING} does not hold (it holds ${keyring.ids.map((k) => `'${k}'`).join(', ')}). ` +
          `List every key still in use after the new one.`,
      );
    }
    try {
      inner = await openEnvelope(stored, kek, envelopeAad(encoding, digest));
    } catch (error) {
      throw new XComIntegrityError(
        `Cannot reseal ${where}: it does not decrypt with key '${kek.id}' (${(error as Error).message}); its stored ` +
          `bytes, digest or encoding were changed after they were written.`,
        { cause: error },
      );
    }
    origin = parsed.digestOrigin ?? `hkdf-${kek.id}`;
  }
  const next = formatEncoding(parsed.format, parsed.compression, current.id, origin);
  return { bytes: await sealEnvelope(inner, current, envelopeAad(next, digest)), encoding: next };
}

function corrupt(where: string): (error: unknown) => never {
  return (error) => {
    throw new XComIntegrityError(`Cannot reseal ${where}: its stored bytes do not decompress (${(error as Error).message})`, {
      cause: error,
    });
  };
}
