import type { SqlExecutor } from '../engines/sql-engine';
import type { PreparedEntry } from './commit-statement';

/**
 * Announces objects about to be uploaded: their `objects` rows are upserted and committed BEFORE the upload, so the
 * sweeper (which only removes rows untouched for its grace period, under the row's lock) cannot delete an object a
 * writer is about to point at. A sweeper holding one of these rows makes this wait until it has finished; the row is
 * then created anew and the upload that follows puts the object back.
 */
export async function touchObjects(
  db: SqlExecutor,
  schema: string,
  entries: readonly Pick<PreparedEntry, 'objectKey' | 'storedBytes'>[],
): Promise<void> {
  const byKey = new Map(entries.map((e) => [e.objectKey!, e.storedBytes]));
  // Sorted: two writers touching overlapping keys take the row locks in the same order.
  const keys = [...byKey.keys()].sort();
  await db.query(
    `insert into ${schema}.objects as o (object_key, size_bytes)
     select * from unnest($1::text[], $2::int8[])
     on conflict (object_key) do update set touched_at = now(), size_bytes = excluded.size_bytes`,
    [keys, keys.map((k) => byKey.get(k))],
  );
}
