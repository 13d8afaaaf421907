import { CreateBucketCommand, HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';

export interface S3Location {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  readonly region: string;
}

/** A path-style client: MinIO and most self-hosted S3 servers have no per-bucket DNS names. */
export function s3ClientFor(location: S3Location): S3Client {
  return new S3Client({
    endpoint: location.endpoint,
    region: location.region,
    forcePathStyle: true,
    credentials: { accessKeyId: location.accessKeyId, secretAccessKey: location.secretAccessKey },
  });
}

/** Creates the bucket unless it exists; an existing server may already have it. */
export async function ensureBucket(location: S3Location): Promise<void> {
  const client = s3ClientFor(location);
  try {
    try {
      await client.send(new HeadBucketCommand({ Bucket: location.bucket }));
      return;
    } catch (error) {
      if (!(error instanceof S3ServiceException) || error.$metadata.httpStatusCode !== 404) throw error;
    }
    try {
      await client.send(new CreateBucketCommand({ Bucket: location.bucket }));
    } catch (error) {
      // Another process created it between our HEAD and CREATE.
      if (!(error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou')) throw error;
    }
  } catch (error) {
    const reason = (error as Error).message;
    throw new Error(`Cannot ensure bucket "${location.bucket}" at ${location.endpoint}: ${reason}`, { cause: error });
  } finally {
    client.destroy();
  }
}
