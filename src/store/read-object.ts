import { XComIntegrityError, XComObjectNotFoundError } from '../errors';
import type { SqlEngine } from '../engines/sql-engine';
import { DirectoryObjectStore } from '../objects/directory-object-store';
import type { ObjectStore } from '../objects/object-store';
import { formatIdentity } from './identity';
import type { XComEntryMeta } from './types';

/** The stored bytes of an entry kept in the object store; a missing object is an integrity error naming the likely cause. */
export async function readEntryObject(engine: SqlEngine, objectStore: ObjectStore, meta: XComEntryMeta): Promise<Buffer> {
  try {
    return await objectStore.get(meta.objectKey!);
  } catch (err) {
    if (err instanceof XComObjectNotFoundError) throw missingObjectError(engine, objectStore, meta, err);
    throw err;
  }
}

/** The integrity error for an entry whose object is missing, with the configuration hint when one is likely. */
export function missingObjectError(engine: SqlEngine, objectStore: ObjectStore, meta: XComEntryMeta, cause: unknown): XComIntegrityError {
  // Rows in a server and objects in a local directory: the likely cause is configuration, not corruption.
  const hint =
    engine.kind === 'postgres' && objectStore instanceof DirectoryObjectStore
      ? `. Rows are in a Postgres server but objects in a local directory: a process with another working ` +
        `directory or XCOM_DATA_DIR wrote it elsewhere. Give every process one object store (S3_BUCKET / ` +
        `S3_ENDPOINT, or a shared XCOM_DATA_DIR)`
      : '';
  return new XComIntegrityError(
    `XCom ${formatIdentity(meta)} points at object '${meta.objectKey}', which is missing from ` +
      `${objectStore.description}${hint}`,
    { cause },
  );
}
