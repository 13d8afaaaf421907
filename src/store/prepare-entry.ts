import type { ValueCodec } from '../codec/value-codec';
import { XComTooLargeError } from '../errors';
import { objectKeyFor } from '../objects/object-key';
import type { PreparedEntry } from './commit-statement';
import type { KeepUntil } from './retention/retention-class';
import type { SetResult } from './types';
import { formatIdentity, type ResolvedIdentity } from './identity';
import { formatBytes } from './limits';

/** What a write of a placed entry reports to its caller. */
export function setResult(entry: PreparedEntry, written: boolean): SetResult {
  return { identity: entry.identity, written, sizeBytes: entry.sizeBytes, digest: entry.digest };
}

export interface PlacementLimits {
  readonly inlineThresholdBytes: number;
  readonly maxValueBytes: number;
}

/** A prepared entry plus the bytes to upload first when the value goes to the object store. */
export interface PlacedEntry {
  readonly entry: PreparedEntry;
  readonly upload: Buffer | null;
}

/**
 * Serializes a write and decides where its value lives: inline below the threshold, in the object store at or
 * above it (as Airflow's object storage backend does), refused above the hard cap.
 */
export async function prepareEntry(
  identity: ResolvedIdentity,
  value: unknown,
  codec: ValueCodec,
  limits: PlacementLimits,
  keepUntil: KeepUntil = null,
): Promise<PlacedEntry> {
  const encoded = await codec.encode(value, identity);
  if (encoded.sizeBytes > limits.maxValueBytes) {
    throw new XComTooLargeError(
      `XCom ${formatIdentity(identity)} is ${formatBytes(encoded.sizeBytes)}, above the cap of ` +
        `${formatBytes(limits.maxValueBytes)} (maxValueBytes)`,
      encoded.sizeBytes,
      limits.maxValueBytes,
    );
  }
  const inline = encoded.sizeBytes < limits.inlineThresholdBytes;
  const objectKey = inline ? null : objectKeyFor(identity, encoded.digest, encoded.encoding);
  return {
    entry: {
      identity,
      sizeBytes: encoded.sizeBytes,
      storedBytes: encoded.bytes.length,
      digest: encoded.digest,
      encoding: encoded.encoding,
      inlineValue: inline ? encoded.bytes : null,
      objectKey,
      keepUntil,
    },
    upload: inline ? null : encoded.bytes,
  };
}
