import { randomBytes } from 'node:crypto';
import type { ValueCodec } from '../../codec/value-codec';
import { objectKeyFor } from '../../objects/object-key';
import type { ObjectStore } from '../../objects/object-store';
import { formatIdentity, type ResolvedIdentity } from '../identity';
import { prepareEntry, type PlacedEntry, type PlacementLimits } from '../prepare-entry';
import type { KeepUntil } from '../retention/retention-class';
import { isByteSource, type ByteSource } from './byte-source';
import { MeteredBytes } from './metered-bytes';

export interface StreamTarget {
  readonly objectStore: ObjectStore;
  /** Whether the codec stores a `bytes` value as it is (no encryption, no custom form): see `storesRawBytes`. */
  rawBytes(): Promise<boolean>;
  /**
   * Records the object before its upload starts (size unknown: 0), so the sweeper leaves it alone while it is
   * written, and again with its size once written.
   */
  announce(objectKey: string, storedBytes: number): Promise<void>;
}

/**
 * Places a value given as a byte stream. A stream that ends below the inline threshold is an ordinary `bytes` value.
 * A larger one goes to the object store as it arrives — counted and hashed on the way, stopped the moment it passes
 * the cap — under a key with a random token where a buffered value has its digest (the digest is known only at the
 * end). The entry is complete and its object written when this returns: `upload` is null.
 *
 * A codec that does not store bytes as they are (encryption at rest seals a value whole) or an object store without
 * `putStream` gets the value gathered in memory first: correct, capped as it arrives, but not flat.
 */
export async function placeStream(
  identity: ResolvedIdentity,
  source: ByteSource,
  codec: ValueCodec,
  limits: PlacementLimits,
  target: StreamTarget,
  keepUntil: KeepUntil = null,
): Promise<PlacedEntry> {
  const meter = new MeteredBytes(limits.maxValueBytes, formatIdentity(identity));
  const bytes = meter.pass(source)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < limits.inlineThresholdBytes) {
    const next = await bytes.next();
    if (next.done) return prepareEntry(identity, Buffer.concat(head), codec, limits, keepUntil);
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const rest = { [Symbol.asyncIterator]: () => bytes };
  const putStream = target.objectStore.putStream?.bind(target.objectStore);
  if (putStream === undefined || !(await target.rawBytes())) {
    const whole: Buffer[] = [...head];
    for await (const chunk of rest) whole.push(chunk);
    return prepareEntry(identity, Buffer.concat(whole), codec, limits, keepUntil);
  }
  const objectKey = objectKeyFor(identity, randomBytes(32).toString('hex'), 'bytes');
  await target.announce(objectKey, 0);
  await putStream(objectKey, chain(head, rest));
  await target.announce(objectKey, meter.bytes);
  const entry = {
    identity,
    sizeBytes: meter.bytes,
    storedBytes: meter.bytes,
    digest: meter.digest(),
    encoding: 'bytes',
    inlineValue: null,
    objectKey,
    keepUntil,
  };
  return { entry, upload: null };
}

/** A value to store, placed: a byte stream with {@link placeStream}, anything else with `prepareEntry`. */
export function placeValue(
  identity: ResolvedIdentity,
  value: unknown,
  codec: ValueCodec,
  limits: PlacementLimits,
  target: StreamTarget,
  keepUntil: KeepUntil = null,
): Promise<PlacedEntry> {
  return isByteSource(value)
    ? placeStream(identity, value, codec, limits, target, keepUntil)
    : prepareEntry(identity, value, codec, limits, keepUntil);
}

async function* chain(head: readonly Buffer[], rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  yield* rest;
}
