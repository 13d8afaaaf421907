import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { describeS3Error, errorShape, explainS3Failure } from './s3-failure';
import { XComConfigError, XComError, XComObjectNotFoundError } from '../errors';
import { assertRange } from './byte-range';
import { assertObjectKey, assertObjectPrefix } from './object-key-rules';
import type { ObjectInfo, ObjectStore } from './object-store';
import { readIntoBuffer } from './read-into-buffer';
import { uploadStream } from './streamed-upload';

const STORE = 'S3ObjectStore';
const MIB = 1024 * 1024;
/** S3 rejects parts below 5 MiB (except the last) and uploads of more than 10,000 parts. */
const MIN_PART_BYTES = 5 * MIB;
const MAX_PARTS = 10_000;

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Prepended to every key with a `/`; leading and trailing slashes are ignored. */
  readonly prefix?: string;
  /** A client you own: the store never destroys it. Give this or the connection options below, not both. */
  readonly client?: S3Client;
  /** For MinIO and other S3-compatible servers. Implies `forcePathStyle` and region `us-east-1` unless given. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Multipart part size; default 8 MiB, at least 5 MiB. Grown automatically past 10,000 parts. */
  readonly partSizeBytes?: number;
  /** Parts uploaded in parallel; default 4. A streamed value holds at most `queueSize + 1` parts in memory. */
  readonly queueSize?: number;
  /** Bodies of this size or more go up as a multipart upload; default 16 MiB. */
  readonly multipartThresholdBytes?: number;
}

/** Objects in an S3 bucket (AWS, MinIO or any S3-compatible server) through `@aws-sdk/client-s3`. */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly partSizeBytes: number;
  private readonly queueSize: number;
  private readonly multipartThresholdBytes: number;
  private closed = false;

  constructor(options: S3ObjectStoreOptions) {
    if (typeof options.bucket !== 'string' || options.bucket === '') {
      throw new XComConfigError(`${STORE} needs a bucket`);
    }
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix ?? '');
    this.partSizeBytes = positiveInteger('partSizeBytes', options.partSizeBytes ?? 8 * MIB, MIN_PART_BYTES);
    this.queueSize = positiveInteger('queueSize', options.queueSize ?? 4, 1);
    this.multipartThresholdBytes = positiveInteger('multipartThresholdBytes', options.multipartThresholdBytes ?? 16 * MIB, 1);

    const connection = (['endpoint', 'region', 'forcePathStyle', 'credentials'] as const).filter((k) => options[k] !== undefined);
    if (options.client !== undefined && connection.length > 0) {
      throw new XComConfigError(
        `${STORE} takes either a client or connection options, not both: configure ${connection.join(', ')} on the client you pass`,
      );
    }
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new S3Client({
        endpoint: options.endpoint,
        region: options.region ?? (options.endpoint === undefined ? undefined : 'us-east-1'),
        forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
        credentials: options.credentials,
      });
    const where = `s3://${this.bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
    this.description = options.endpoint === undefined ? where : `${where} (${options.endpoint})`;
  }

  async put(key: string, body: Buffer): Promise<void> {
    const Key = this.fullKey(key);
    try {
      if (body.length < this.multipartThresholdBytes) {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: body.length }));
        return;
      }
      // Upload slices a Buffer with subarray, so parts are views of `body`, never copies of it.
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key, Body: body },
        partSize: Math.max(this.partSizeBytes, Math.ceil(body.length / MAX_PARTS)),
        queueSize: this.queueSize,
        leavePartsOnError: false, // abort the multipart upload on failure so no parts linger (and bill)
      });
      await upload.done();
    } catch (err) {
      throw this.failure('put', Key, err);
    }
  }

  /** Streamed as bytes arrive, with at most `queueSize + 1` parts in memory (src/objects/streamed-upload.ts). */
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await uploadStream(
        { client: this.client, bucket: this.bucket, key: Key, partSizeBytes: this.partSizeBytes, queueSize: this.queueSize, maxParts: MAX_PARTS },
        body,
      );
    } catch (err) {
      // The source's own error (a cap, an integrity failure) is the one to report, not the upload's.
      if (err instanceof XComError) throw err;
      throw this.failure('putStream', Key, err);
    }
  }

  /** GetObject's body as it arrives (the SDK's Node stream); a missing object rejects before any byte. */
  async getStream(key: string): Promise<AsyncIterable<Uint8Array>> {
    const Key = this.fullKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      const body = response.Body as Partial<AsyncIterable<Uint8Array>> | undefined;
      if (body?.[Symbol.asyncIterator] === undefined) throw new Error('the response has no streamable body');
      return body as AsyncIterable<Uint8Array>;
    } catch (err) {
      if (isNotFound(err)) {
        throw new XComObjectNotFoundError(key, `${STORE} has no object [bucket=${this.bucket}, key=${Key}]`, { cause: err });
      }
      throw this.failure('getStream', Key, err);
    }
  }

  async get(key: string): Promise<Buffer> {
    const Key = this.fullKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      if (response.Body === undefined) throw new Error('the response has no body');
      return await readIntoBuffer(response.Body, response.ContentLength);
    } catch (err) {
      if (isNotFound(err)) {
        throw new XComObjectNotFoundError(key, `${STORE} has no object [bucket=${this.bucket}, key=${Key}]`, { cause: err });
      }
      throw this.failure('get', Key, err);
    }
  }

  /** GetObject with a `Range` header: only the requested bytes cross the network. */
  async getRange(key: string, start: number, length: number): Promise<Buffer> {
    assertRange(start, length);
    const Key = this.fullKey(key);
    if (length === 0) return Buffer.alloc(0);
    try {
      const Range = `bytes=${start}-${start + length - 1}`;
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, Range }));
      if (response.Body === undefined) throw new Error('the response has no body');
      return await readIntoBuffer(response.Body, response.ContentLength);
    } catch (err) {
      if (errorShape(err).status === 416) return Buffer.alloc(0); // the range starts past the end
      if (isNotFound(err)) {
        throw new XComObjectNotFoundError(key, `${STORE} has no object [bucket=${this.bucket}, key=${Key}]`, { cause: err });
      }
      throw this.failure('getRange', Key, err);
    }
  }

  /** HeadObject; a 404 (which S3 also answers for a missing bucket) is `false`. */
  async exists(key: string): Promise<boolean> {
    const Key = this.fullKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw this.failure('exists', Key, err);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.failure('delete', Key, err);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertObjectPrefix(STORE, prefix);
    const root = this.prefix === '' ? '' : `${this.prefix}/`;
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: root + prefix });
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          yield {
            key: object.Key.slice(root.length),
            sizeBytes: object.Size ?? 0,
            lastModified: object.LastModified ?? new Date(0),
          };
        }
      }
    } catch (err) {
      throw this.failure('list', root + prefix, err);
    }
  }

  /**
   * Aborts multipart uploads under the prefix started before `olderThan`: a process killed mid-upload leaves its
   * parts stored (and billed) until someone aborts them. Returns how many (found, with `dryRun`).
   */
  async sweepAbandonedUploads(options: { olderThan: Date; dryRun?: boolean }): Promise<number> {
    const Prefix = this.prefix === '' ? undefined : `${this.prefix}/`;
    let count = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    try {
      for (;;) {
        // The whole bucket, filtered here: MinIO answers a `Prefix` only for an exact object key, so a prefix listing
        // would find nothing there.
        const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, KeyMarker, UploadIdMarker }));
        for (const upload of page.Uploads ?? []) {
          if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= options.olderThan) continue;
          if (Prefix !== undefined && !upload.Key.startsWith(Prefix)) continue;
          count++;
          if (!options.dryRun) {
            await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
          }
        }
        if (!page.IsTruncated) return count;
        KeyMarker = page.NextKeyMarker;
        UploadIdMarker = page.NextUploadIdMarker;
      }
    } catch (err) {
      throw this.failure('sweepAbandonedUploads', Prefix ?? '', err);
    }
  }

  /** Destroys the client only if this store built it; a client you passed in stays usable. */
  async close(): Promise<void> {
    if (this.ownsClient && !this.closed) this.client.destroy();
    this.closed = true;
  }

  private fullKey(key: string): string {
    assertObjectKey(STORE, key);
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  private failure(operation: string, key: string, cause: unknown): Error {
    const site = { operation, bucket: this.bucket, key, store: this.description };
    return explainS3Failure(site, cause) ?? new Error(`${STORE} ${operation} failed [bucket=${this.bucket}, key=${key}]: ${describeS3Error(cause)}`, { cause });
  }
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed !== '') {
    try {
      assertObjectKey(STORE, trimmed);
    } catch (err) {
      throw new XComConfigError(`${STORE} prefix ${JSON.stringify(prefix)} is not usable: ${(err as Error).message}`);
    }
  }
  return trimmed;
}

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new XComConfigError(`${STORE} option ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** NoSuchKey from GetObject, NotFound from HeadObject (no body, so no code); NoSuchBucket is a real failure. */
function isNotFound(err: unknown): boolean {
  const { name, status } = errorShape(err);
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}
