import { createHmac, timingSafeEqual } from 'node:crypto';
import type { XComRef } from '../common/xcom-ref';
import type { SigningKey, SigningKeys } from './signing-key';

/**
 * The bytes a ref's MAC covers: its identity, size, digest and length. JSON of an array keeps the fields apart
 * (no value can run into the next), and the version tag keeps a MAC from meaning anything in another format.
 */
function signedText(ref: XComRef): string {
  return JSON.stringify(['xcom-ref/1', ref.dagId, ref.runId, ref.taskId, ref.mapIndex, ref.key, ref.sizeBytes, ref.digest, ref.length ?? null]);
}

/** The MAC as the text a ref carries, encoded by the digest itself (a Buffer and its conversion cost 0.4 µs). */
function macOf(key: SigningKey, ref: XComRef): string {
  return createHmac('sha256', key.secret).update(signedText(ref)).digest('base64url');
}

/**
 * The ref with the current key's id and MAC (HMAC-SHA-256, base64url), replacing any it carried. Its fields are
 * copied by name, not with a rest pattern: that cost more than the HMAC (a batch signs a ref per value).
 */
export function signRef(keys: SigningKeys, ref: XComRef): XComRef {
  const key = keys.current;
  const signed: XComRef = {
    $xcomRef: 1,
    dagId: ref.dagId,
    runId: ref.runId,
    taskId: ref.taskId,
    mapIndex: ref.mapIndex,
    key: ref.key,
    sizeBytes: ref.sizeBytes,
    digest: ref.digest,
    ...(ref.length !== undefined && { length: ref.length }),
    keyId: key.id,
    mac: macOf(key, ref),
  };
  return signed;
}

/** Why a ref cannot be trusted, or undefined when its MAC verifies under a key this worker holds. */
export function refMacProblem(keys: SigningKeys, ref: XComRef): string | undefined {
  if (typeof ref.mac !== 'string' || typeof ref.keyId !== 'string') return 'it carries no MAC (refs are signed by the worker that made them)';
  const key = keys.get(ref.keyId);
  if (!key) return `it is signed with key '${ref.keyId}', which this worker does not hold (keys: ${keys.ids.join(', ')})`;
  // Compared as the text signRef writes: only that encoding of the MAC verifies.
  const given = Buffer.from(ref.mac);
  const expected = Buffer.from(macOf(key, ref));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'its MAC does not match its identity, size and digest (altered, or made by someone without the key)';
  }
  return undefined;
}
