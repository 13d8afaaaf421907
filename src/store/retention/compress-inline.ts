import { createValueCodec, type ValueCodec } from '../../codec/value-codec';
import type { SqlEngine } from '../../engines/sql-engine';
import { objectKeyFor } from '../../objects/object-key';
import type { ObjectStore } from '../../objects/object-store';
import { touchObjects } from '../touch-objects';
import { cutoffOf } from './retention-ops';

export interface CompressInlineOptions {
  /** Only entries last written before this: a duration ('7 days', ms) or a date. @default 0 (any) */
  readonly olderThan?: string | number | Date;
  /** Only inline values storing at least this many bytes. @default 16384 */
  readonly minBytes?: number;
  /** Only these DAGs. @default every DAG */
  readonly dagIds?: readonly string[];
  /** Entries per round trip. @default 100 */
  readonly batchSize?: number;
  readonly dryRun?: boolean;
  readonly onProgress?: (progress: { moved: number; savedBytes: number }) => void;
}

export interface CompressInlineResult {
  readonly dryRun: boolean;
  /** Entries looked at. */
  readonly candidates: number;
  /** Entries moved to the object store, compressed (with `dryRun`: that would be). */
  readonly moved: number;
  /** Bytes no longer in the database. */
  readonly savedBytes: number;
}

interface Candidate {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  fence: number;
  digest: string;
  encoding: string;
  stored_bytes: number;
  inline_value: Buffer;
}

/**
 * The seed's `compress_large_xcom` step: inline values of at least `minBytes` are re-encoded with brotli and moved to
 * the object store when that stores fewer bytes, which takes them out of the database (and its WAL, backups and
 * vacuum). A value that is not smaller stays where it is. Each move is a compare-and-set on the entry's digest and
 * fence, so a task committing meanwhile wins; its uploaded object is then left to the sweeper.
 */
export async function compressInline(
  engine: SqlEngine,
  schema: string,
  objects: ObjectStore,
  codec: ValueCodec,
  options: CompressInlineOptions = {},
): Promise<CompressInlineResult> {
  const cutoff = cutoffOf('olderThan', options.olderThan ?? 0);
  const minBytes = options.minBytes ?? 16 * 1024;
  const limit = options.batchSize ?? 100;
  const tight = createValueCodec({ compression: 'br' });
  let after: [string, string, string, number, string] = ['', '', '', -2, ''];
  let candidates = 0;
  let moved = 0;
  let savedBytes = 0;
  for (;;) {
    const rows = await engine.query<Candidate>(
      `select dag_id, run_id, task_id, map_index, key, fence, digest, encoding, stored_bytes, inline_value
         from ${schema}.entries
        where object_key is null and stored_bytes >= $1 and updated_at < $2
          and (dag_id, run_id, task_id, map_index, key) > ($3, $4, $5, $6, $7)
          and ($8::text[] is null or dag_id = any($8::text[]))
        order by dag_id, run_id, task_id, map_index, key limit ${limit}`,
      [minBytes, cutoff, ...after, options.dagIds ?? null],
    );
    for (const row of rows) {
      candidates++;
      const identity = { dagId: row.dag_id, runId: row.run_id, taskId: row.task_id, mapIndex: row.map_index, key: row.key };
      const value = await codec.decode(row.inline_value, row.encoding, row.digest, identity);
      const encoded = await tight.encode(value, identity);
      if (encoded.digest !== row.digest || encoded.bytes.length >= Number(row.stored_bytes)) continue;
      moved++;
      savedBytes += Number(row.stored_bytes);
      if (options.dryRun) continue;
      const objectKey = objectKeyFor(identity, encoded.digest, encoded.encoding);
      const entry = { objectKey, storedBytes: encoded.bytes.length };
      await touchObjects(engine, schema, [entry]);
      await objects.put(objectKey, encoded.bytes);
      const updated = await engine.query(
        `update ${schema}.entries set inline_value = null, object_key = $1, encoding = $2, stored_bytes = $3
          where dag_id = $4 and run_id = $5 and task_id = $6 and map_index = $7 and key = $8 and digest = $9 and fence = $10
          returning 1`,
        [objectKey, encoded.encoding, encoded.bytes.length, row.dag_id, row.run_id, row.task_id, row.map_index, row.key, row.digest, row.fence],
      );
      if (updated.length === 0) {
        moved--;
        savedBytes -= Number(row.stored_bytes);
      }
      options.onProgress?.({ moved, savedBytes });
    }
    const last = rows.at(-1);
    if (!last || rows.length < limit) break;
    after = [last.dag_id, last.run_id, last.task_id, last.map_index, last.key];
  }
  return { dryRun: options.dryRun ?? false, candidates, moved, savedBytes };
}
