import type { SqlEngine } from '../../engines/sql-engine';
import { byteaArrayFor } from '../bytea-array-param';
import type { ResolvedIdentity } from '../identity';

/** A value sealed again, ready to swap into the row it was read from. */
export interface ResealedRow {
  readonly row: { readonly version: string; readonly encoding: string; readonly object_key: string | null };
  readonly identity: Pick<ResolvedIdentity, 'dagId' | 'runId' | 'taskId' | 'mapIndex' | 'key'>;
  readonly encoding: string;
  readonly bytes: Buffer;
  /** The new object's key (already uploaded), or null for an inline value. */
  readonly objectKey: string | null;
}

/**
 * Swaps resealed values into their rows in one statement (one transaction), each only if its row is still the
 * version that was read (`xmin`) with the encoding that was read: a write committed meanwhile stands (Postgres
 * re-checks the condition against the newest version of a row it had to wait for). The old objects of swapped rows
 * are touched, so the sweeper leaves them for its grace period to readers that had the old row. Returns the rows
 * swapped.
 */
export async function swapResealed(engine: SqlEngine, schema: string, rows: readonly ResealedRow[]): Promise<{ object: boolean }[]> {
  if (rows.length === 0) return [];
  const column = <T>(pick: (r: ResealedRow) => T): T[] => rows.map(pick);
  return engine.query<{ object: boolean }>(
    `with u as (
       select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::bytea[], $10::text[], $11::int8[], $12::text[])
         as u(dag_id, run_id, task_id, map_index, key, version, old_encoding, encoding, inline_value, object_key,
              stored_bytes, old_object_key)
     ),
     swapped as (
       update ${schema}.entries e
          set encoding = u.encoding, inline_value = u.inline_value, object_key = u.object_key, stored_bytes = u.stored_bytes
         from u
        where e.dag_id = u.dag_id and e.run_id = u.run_id and e.task_id = u.task_id and e.map_index = u.map_index
          and e.key = u.key and e.xmin::text = u.version and e.encoding = u.old_encoding
       returning u.old_object_key
     ),
     kept as (
       update ${schema}.objects o set touched_at = now()
        where o.object_key in (select old_object_key from swapped where old_object_key is not null)
     )
     select old_object_key is not null as object from swapped`,
    [
      column((r) => r.identity.dagId),
      column((r) => r.identity.runId),
      column((r) => r.identity.taskId),
      column((r) => r.identity.mapIndex),
      column((r) => r.identity.key),
      column((r) => r.row.version),
      column((r) => r.row.encoding),
      column((r) => r.encoding),
      // Sealed bytes look random: as a text array the server's parse of them cost twice that of JSON (bytea-array-param).
      byteaArrayFor(engine)(column((r) => (r.objectKey === null ? r.bytes : null))),
      column((r) => r.objectKey),
      column((r) => r.bytes.length),
      column((r) => r.row.object_key),
    ],
  );
}
