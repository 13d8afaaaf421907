import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ObjectInfo, ObjectStore } from '../src/objects/object-store';
import { killIfArmed } from './self-kill';

/**
 * The worker's object store with the object-path kill points: `after-touch` when an upload starts (the writer has
 * committed its `objects` rows, nothing is stored yet) and `after-upload` when one finished (stored, no entry yet).
 */
export class KillableObjectStore implements ObjectStore {
  constructor(private readonly inner: ObjectStore) {}

  get description(): string {
    return this.inner.description;
  }

  async put(key: string, body: Buffer): Promise<void> {
    killIfArmed('after-touch');
    await this.inner.put(key, body);
    killIfArmed('after-upload');
  }

  get(key: string): Promise<Buffer> {
    return this.inner.get(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix);
  }

  sweepAbandonedUploads(options: { olderThan: Date; dryRun?: boolean }): Promise<number> {
    return this.inner.sweepAbandonedUploads?.(options) ?? Promise.resolve(0);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** An S3 client that SIGKILLs the worker after the first part of a multipart upload (kill point `mid-upload`). */
export function killableS3Client(options: S3ClientConfig): S3Client {
  const client = new S3Client(options);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'UploadPartCommand') killIfArmed('mid-upload');
      return result;
    },
    { step: 'initialize', name: 'chaosKillMidUpload' },
  );
  return client;
}
