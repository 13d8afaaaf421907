import type { ValueCodec } from '../codec/value-codec';
import { XComTooLargeError } from '../errors';
import { objectKeyFor } from '../objects/object-key';
import type { PreparedEntry } from './commit-statement';
import { formatIdentity, resolveIdentity } from './identity';
import { formatBytes } from './limits';
import type { XComWrite } from './types';

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
export async function prepareEntry(write: XComWrite, codec: ValueCodec, limits: PlacementLimits): Promise<PlacedEntry> {
  const identity = resolveIdentity(write);
  const encoded = await codec.encode(write.value, identity);
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
      attempt: write.attempt,
      fence: write.fence ?? write.attempt,
      temporalRunId: write.temporalRunId ?? null,
      activityType: write.activityType ?? null,
      logicalDate: write.logicalDate ?? null,
      sizeBytes: encoded.sizeBytes,
      storedBytes: encoded.bytes.length,
      digest: encoded.digest,
      encoding: encoded.encoding,
      inlineValue: inline ? encoded.bytes : null,
      objectKey,
    },
    upload: inline ? null : encoded.bytes,
  };
}
