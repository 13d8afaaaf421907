import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { XComConfigError } from '../errors';

/** Where a streamed upload goes, and how it is cut. */
export interface StreamedUploadTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  /** Bytes per part (S3: at least 5 MiB but for the last). */
  readonly partSizeBytes: number;
  /** Parts in flight at once. */
  readonly queueSize: number;
  /** S3's limit on parts per upload. */
  readonly maxParts: number;
}

/**
 * Uploads a stream of unknown length with memory bounded by its part buffers: `queueSize + 1` buffers of
 * `partSizeBytes`, allocated once and reused (one fills while the others upload). The source is pulled only when a
 * buffer is free, so a fast source waits for the network instead of piling up. `@aws-sdk/lib-storage`'s `Upload`
 * allocates a new part for every part and concatenates chunks into it, which left about twice as much garbage in
 * flight (BENCHMARKS.md, bench:stream). A body that ends within one part goes up as one PutObject. On any failure the
 * multipart upload is aborted (no parts linger) and the first error is rethrown.
 */
export async function uploadStream(target: StreamedUploadTarget, body: AsyncIterable<Uint8Array>): Promise<void> {
  const { client, bucket, key, partSizeBytes, queueSize } = target;
  const free: Buffer[] = [];
  const buffers = () => free.pop() ?? Buffer.allocUnsafe(partSizeBytes);
  const inFlight = new Set<Promise<void>>();
  const parts: CompletedPart[] = [];
  // Created with the first part, once: parts started before it exists wait for the same promise.
  let created: Promise<string> | undefined;
  let failure: Error | undefined;

  const send = async (part: Buffer, length: number, partNumber: number): Promise<void> => {
    const UploadId = await (created ??= createUpload(client, bucket, key));
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: partNumber, Body: part.subarray(0, length), ContentLength: length }),
    );
    parts.push({ ETag, PartNumber: partNumber });
  };
  const start = (part: Buffer, length: number, partNumber: number) => {
    if (partNumber > target.maxParts) {
      throw new XComConfigError(`S3ObjectStore: a streamed value needs more than ${target.maxParts} parts of ${partSizeBytes} bytes; raise partSizeBytes`);
    }
    const sending: Promise<void> = send(part, length, partNumber).then(
      () => void free.push(part),
      (err: unknown) => void (failure ??= err instanceof Error ? err : new Error(String(err))),
    ).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  try {
    let part = buffers();
    let filled = 0;
    let partNumber = 0;
    for await (const chunk of body) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(chunk.length - offset, partSizeBytes - filled);
        part.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled < partSizeBytes) continue;
        start(part, filled, ++partNumber);
        while (inFlight.size >= queueSize && failure === undefined) await Promise.race(inFlight);
        if (failure !== undefined) throw failure;
        part = buffers();
        filled = 0;
      }
    }
    if (partNumber === 0) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: part.subarray(0, filled), ContentLength: filled }));
      return;
    }
    if (filled > 0) start(part, filled, ++partNumber);
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: await created, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    await Promise.allSettled(inFlight);
    const UploadId = await created?.catch(() => undefined);
    if (UploadId !== undefined) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    }
    throw err;
  }
}

async function createUpload(client: S3Client, bucket: string, key: string): Promise<string> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  if (UploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
  return UploadId;
}
