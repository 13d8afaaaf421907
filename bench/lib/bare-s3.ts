import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { STORE_PART_BYTES, STORE_QUEUE_SIZE } from './stores';

/** PutObject, or a multipart Upload with the store's part size and queue from 16 MiB on (as the store decides). */
export async function barePut(client: S3Client, bucket: string, key: string, body: Buffer): Promise<void> {
  if (body.length < 16 * 1024 * 1024) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length }));
    return;
  }
  await new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: body },
    partSize: STORE_PART_BYTES,
    queueSize: STORE_QUEUE_SIZE,
  }).done();
}

/** GetObject and the SDK's own way to read the whole body. */
export async function bareGet(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (response.Body === undefined) throw new Error(`GetObject ${key}: no body`);
  return response.Body.transformToByteArray();
}
