import type { S3Client } from '@aws-sdk/client-s3';
import { ExternalStorage } from '@temporalio/common';
import { S3StorageDriver, type S3RequestOptions, type S3StorageDriverClient } from '@temporalio/external-storage-s3';
import { AwsSdkS3StorageDriverClient } from '@temporalio/external-storage-s3-aws-sdk';

/** S3 calls the External Storage driver made, to show what each hop costs. */
export interface S3CallCounts {
  puts: number;
  putBytes: number;
  gets: number;
  getBytes: number;
  heads: number;
}

export function zeroCounts(): S3CallCounts {
  return { puts: 0, putBytes: 0, gets: 0, getBytes: 0, heads: 0 };
}

/** The driver's own AWS SDK client, counting what passes through it. */
class CountingClient implements S3StorageDriverClient {
  constructor(
    private readonly inner: AwsSdkS3StorageDriverClient,
    readonly counts: S3CallCounts,
  ) {}

  async putObject(bucket: string, key: string, data: Uint8Array, options?: S3RequestOptions): Promise<void> {
    this.counts.puts += 1;
    this.counts.putBytes += data.length;
    await this.inner.putObject(bucket, key, data, options);
  }

  async objectExists(bucket: string, key: string, options?: S3RequestOptions): Promise<boolean> {
    this.counts.heads += 1;
    return this.inner.objectExists(bucket, key, options);
  }

  async getObject(bucket: string, key: string, options?: S3RequestOptions): Promise<Uint8Array> {
    const bytes = await this.inner.getObject(bucket, key, options);
    this.counts.gets += 1;
    this.counts.getBytes += bytes.length;
    return bytes;
  }

  describe(): Record<string, string> {
    return this.inner.describe();
  }
}

/**
 * Temporal's External Storage with the S3 driver, as its README configures it, on `bucket`. The driver refuses
 * payloads over `maxPayloadSize` (default 50 MiB), so it is raised to fit the largest value plus its encoding.
 * `payloadSizeThreshold`: what External Storage offloads from (its own default when omitted).
 */
export function s3ExternalStorage(
  client: S3Client,
  bucket: string,
  maxPayloadSize: number,
  payloadSizeThreshold?: number,
): { storage: ExternalStorage; counts: S3CallCounts } {
  const counts = zeroCounts();
  const driver = new S3StorageDriver({ client: new CountingClient(new AwsSdkS3StorageDriverClient(client), counts), bucket, maxPayloadSize });
  return { storage: new ExternalStorage({ drivers: [driver], payloadSizeThreshold }), counts };
}
