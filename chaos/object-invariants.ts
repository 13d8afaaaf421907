import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { quoteSchema } from '../src/migrations/schema-name';
import type { XComStore } from '../src/store/xcom-store';

/** The object-store invariants, over everything the invocation stored so far; every count must be 0. */
export interface ObjectViolations {
  /** Entries whose object is not in the object store. */
  readonly missingObjects: number;
  /**
   * After a sweep with no grace period and no writer left: stored objects no entry references, `objects` rows no
   * entry references, and multipart uploads never completed or aborted.
   */
  readonly orphans: number;
  /** One line per problem; the same problem gives the same line after every later run (totals count lines once). */
  readonly details: string[];
}

/** Lists the object store and its multipart uploads and compares them with the rows. */
export async function checkObjects(store: XComStore, s3: S3Client, bucket: string, prefix: string): Promise<ObjectViolations> {
  const schema = quoteSchema(store.schema);
  const stored = new Set<string>();
  for await (const object of store.objectStore.list('')) stored.add(object.key);
  const referenced = await store.engine.query<{ object_key: string }>(
    `select distinct object_key from ${schema}.entries where object_key is not null`,
  );
  const referencedKeys = new Set(referenced.map((r) => r.object_key));
  const unreferencedRows = await store.engine.query<{ object_key: string }>(
    `select object_key from ${schema}.objects o where not exists (select 1 from ${schema}.entries e where e.object_key = o.object_key)`,
  );
  const uploads = await unfinishedUploads(s3, bucket, prefix);

  const missing = [...referencedKeys].filter((k) => !stored.has(k));
  const unreferencedObjects = [...stored].filter((k) => !referencedKeys.has(k));
  const details = [
    ...missing.map((k) => `missing object: an entry points at ${k}`),
    ...unreferencedObjects.map((k) => `orphan: stored object ${k} has no entry`),
    ...unreferencedRows.map((r) => `orphan: objects row ${r.object_key} has no entry`),
    ...uploads.map((k) => `orphan: multipart upload of ${k} never finished`),
  ];
  return {
    missingObjects: missing.length,
    orphans: unreferencedObjects.length + unreferencedRows.length + uploads.length,
    details,
  };
}

/**
 * Multipart uploads under the prefix never completed or aborted. Lists the whole bucket and filters here: MinIO
 * answers ListMultipartUploads with a `Prefix` only for an exact object key, so a prefix listing finds nothing there.
 */
async function unfinishedUploads(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker, UploadIdMarker }));
    keys.push(...(page.Uploads ?? []).flatMap((u) => (u.Key?.startsWith(`${prefix}/`) ? [u.Key] : [])));
    if (!page.IsTruncated) return keys;
    KeyMarker = page.NextKeyMarker;
    UploadIdMarker = page.NextUploadIdMarker;
  }
}
