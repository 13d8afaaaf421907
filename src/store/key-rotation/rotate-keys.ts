import type { EncryptionKeyring } from '../../codec/encryption-keys';
import { resealStored } from '../../codec/reseal';
import { XComIntegrityError, XComObjectNotFoundError } from '../../errors';
import { quoteSchema } from '../../migrations/schema-name';
import { objectKeyFor } from '../../objects/object-key';
import type { XComStore } from '../xcom-store';
import { formatIdentity } from '../identity';
import { mapLimited } from '../map-limited';
import { rewrapDigestKey } from '../stored-digest-key';
import { touchObjects } from '../touch-objects';
import { swapResealed, type ResealedRow } from './swap-resealed';

export interface RotateKeysOptions {
  /** Entries read, resealed and swapped per transaction. @default 100 */
  readonly batchSize?: number;
  /** Also encrypt values stored unencrypted (written before encryption was turned on). @default false */
  readonly includePlaintext?: boolean;
  /** Parallel object downloads and uploads. @default 8 */
  readonly concurrency?: number;
  /** Called after every committed batch. */
  readonly onProgress?: (progress: RotationProgress) => void;
}

export interface RotationProgress {
  /** Entries to reseal when the pass began. */
  readonly total: number;
  /** Entries resealed under the current key so far. */
  readonly rotated: number;
  /** Entries a writer changed between our read and our swap: theirs stands; a later pass looks at it again. */
  readonly changedMeanwhile: number;
}

export interface RotationResult extends RotationProgress {
  /** The key everything was resealed under (the first of the keyring). */
  readonly keyId: string;
  /** The encryption key that wrapped the store's digest key before (the current one when nothing changed). */
  readonly digestKeyWrappedBefore: string;
  readonly inline: number;
  readonly objects: number;
  readonly passes: number;
  /**
   * Entries still not sealed under the current key: written meanwhile by a process whose first key is an older one
   * (run again once every process has the new key first), or stored unencrypted without `includePlaintext`.
   */
  readonly remaining: number;
}

type Store = Pick<XComStore, 'engine' | 'schema' | 'objectStore'>;
type Cursor = [string, string, string, number, string];
const START: Cursor = ['', '', '', -2, ''];
const MAX_PASSES = 3;
/** The id of the key in an encoding (`…+aes256gcm.<id>[+digest.…]`); null for a plain value. */
const KEY_ID_PATTERN = String.raw`\+aes256gcm\.([A-Za-z0-9_-]+)`;

interface Row {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  digest: string;
  encoding: string;
  version: string;
  object_key: string | null;
  inline_value: Buffer | null;
}

/**
 * `xcom rotate-keys`: seals every stored value (inline and in objects) again under the keyring's first key, and wraps
 * the store's digest key under it, so older keys can then be removed. Safe beside running writers and resumable:
 * each batch commits on its own; a resealed object is uploaded under a new key (announced in `objects` first) and
 * swapped into its row only if the row still holds the version read (compare on `xmin` and encoding), so a
 * concurrent write always stands and a row never points at a missing object; the old object is left to the object
 * sweeper, touched at the swap so that readers who had the old row have the grace period to fetch it. Digests do not
 * change (src/codec/reseal.ts): refs, waits and the ledger that pin them still match. Interrupted, a run again skips
 * what is done (the filter is "not sealed under the current key").
 */
export async function rotateEncryptionKeys(
  store: Store,
  keyring: EncryptionKeyring,
  options: RotateKeysOptions = {},
): Promise<RotationResult> {
  const schema = quoteSchema(store.schema);
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`rotate-keys: batchSize must be >= 1, got ${batchSize}`);
  const digestKeyWrappedBefore = await rewrapDigestKey(store.engine, schema, keyring);
  const filter = `substring(encoding from $1::text) is distinct from $2 and ($3 or encoding like '%+aes256gcm.%')`;
  const filterParams = [KEY_ID_PATTERN, keyring.current.id, options.includePlaintext ?? false];
  const countPending = async (params = filterParams) => {
    const [row] = await store.engine.query<{ n: number }>(`select count(*)::int as n from ${schema}.entries where ${filter}`, params);
    return row!.n;
  };
  let rotated = 0;
  let inline = 0;
  let objects = 0;
  let changedMeanwhile = 0;
  let passes = 0;
  let remaining = await countPending();
  while (remaining > 0 && passes < MAX_PASSES) {
    passes++;
    const total = remaining;
    const changedBefore = changedMeanwhile;
    let cursor = START;
    for (;;) {
      const rows = await store.engine.query<Row>(
        `select dag_id, run_id, task_id, map_index, key, digest, encoding, xmin::text as version, object_key, inline_value
           from ${schema}.entries
          where (dag_id, run_id, task_id, map_index, key) > ($4, $5, $6, $7, $8) and ${filter}
          order by dag_id, run_id, task_id, map_index, key limit $9`,
        [...filterParams, ...cursor, batchSize],
      );
      if (rows.length === 0) break;
      const resealed = await resealBatch(store, keyring, rows, options.concurrency ?? 8);
      const swapped = await swapResealed(store.engine, schema, resealed);
      rotated += swapped.length;
      objects += swapped.filter((s) => s.object).length;
      inline += swapped.filter((s) => !s.object).length;
      changedMeanwhile += resealed.length - swapped.length;
      options.onProgress?.({ total, rotated, changedMeanwhile });
      const last = rows.at(-1)!;
      cursor = [last.dag_id, last.run_id, last.task_id, last.map_index, last.key];
      if (rows.length < batchSize) break;
    }
    remaining = await countPending();
    // Another pass only helps when writers changed rows under us; rows that are simply unreadable stay.
    if (changedMeanwhile === changedBefore) break;
  }
  // What is left counts plaintext values too: they are not readable under encryption without READ_PLAINTEXT.
  if (!options.includePlaintext) remaining = await countPending([KEY_ID_PATTERN, keyring.current.id, true]);
  return { keyId: keyring.current.id, digestKeyWrappedBefore, total: rotated + remaining, rotated, changedMeanwhile, inline, objects, passes, remaining };
}

/** Reads and reseals a batch's values; resealed objects are announced and uploaded under their new keys. */
async function resealBatch(store: Store, keyring: EncryptionKeyring, rows: readonly Row[], concurrency: number): Promise<ResealedRow[]> {
  const resealed = await mapLimited(rows, concurrency, async (row): Promise<ResealedRow | undefined> => {
    const identity = { dagId: row.dag_id, runId: row.run_id, taskId: row.task_id, mapIndex: row.map_index, key: row.key };
    const where = `XCom ${formatIdentity(identity)}`;
    const stored = row.object_key === null ? row.inline_value! : await readObject(store, row.object_key, where);
    if (stored === undefined) return undefined;
    const sealed = await resealStored(stored, row.encoding, row.digest, keyring, where);
    if (!sealed) return undefined;
    const objectKey = row.object_key === null ? null : objectKeyFor(identity, row.digest, sealed.encoding);
    return { row, identity, encoding: sealed.encoding, bytes: sealed.bytes, objectKey };
  });
  const done = resealed.filter((r): r is ResealedRow => r !== undefined);
  const uploads = done.filter((r) => r.objectKey !== null);
  if (uploads.length > 0) {
    await touchObjects(store.engine, quoteSchema(store.schema), uploads.map((r) => ({ objectKey: r.objectKey, storedBytes: r.bytes.length })));
    await mapLimited(uploads, concurrency, (r) => store.objectStore.put(r.objectKey!, r.bytes));
  }
  return done;
}

/** The object's bytes; a missing object is an integrity error (rows never point at missing objects). */
async function readObject(store: Store, objectKey: string, where: string): Promise<Buffer> {
  try {
    return await store.objectStore.get(objectKey);
  } catch (err) {
    if (!(err instanceof XComObjectNotFoundError)) throw err;
    throw new XComIntegrityError(`${where} points at object '${objectKey}', which is missing from ${store.objectStore.description}`, {
      cause: err,
    });
  }
}
