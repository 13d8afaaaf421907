import type { SqlEngine, SqlExecutor } from '../engines/sql-engine';
import { parseObjectKey } from '../objects/object-key';
import type { ObjectStore } from '../objects/object-store';
import { mapLimited } from './map-limited';

/** Longer than any upload-to-commit window: an object untouched this long and unreferenced is garbage. */
export const DEFAULT_OBJECT_GRACE_MS = 6 * 60 * 60 * 1000;
/** What the sweeper keeps of its own record (`collected_objects`). */
const COLLECTED_RETENTION = '30 days';

export interface SweepOptions {
  /** Only objects no one touched for this long are removed. @default 21_600_000 (6 hours) */
  readonly graceMs?: number;
  /** Report what would be removed; remove nothing. @default false */
  readonly dryRun?: boolean;
  /** Objects removed per transaction. @default 200 */
  readonly batchSize?: number;
  /**
   * Also list the object store for objects that have no row (a crash between upload and commit in older versions,
   * or a sweeper racing a writer's upload) and for abandoned uploads (temp files, incomplete multipart uploads).
   * Lists the whole store: cheap for thousands of objects, a real cost at millions. @default true
   */
  readonly scanObjectStore?: boolean;
  /** Called after every batch. */
  readonly onProgress?: (progress: SweepProgress) => void;
}

export interface SweepProgress {
  readonly deleted: number;
  readonly deletedBytes: number;
}

export interface SweepResult extends SweepProgress {
  readonly dryRun: boolean;
  /** Another sweeper held the lock: this one did nothing. */
  readonly skipped: boolean;
  /** Stored objects with no row, given one so that the sweep could remove them (dry run: found). */
  readonly orphans: number;
  /** Temp files and incomplete multipart uploads removed (dry run: found). */
  readonly abandonedUploads: number;
  /** The first keys removed (at most 100), for messages. */
  readonly sample: readonly string[];
}

interface Candidate {
  object_key: string;
  size_bytes: number | null;
}

const SAMPLE = 100;

/**
 * Collects objects by the protocol of sql/000003: an object is deleted only when its `objects` row is unreferenced,
 * untouched for the grace period, locked by this transaction, and re-checked unreferenced by a statement that
 * started after the lock; the stored object goes first, then the row. Writers touch the row before uploading, so
 * they either wait for this transaction and upload again, or keep the row fresh enough to be left alone.
 */
export class ObjectSweeper {
  constructor(
    private readonly engine: SqlEngine,
    private readonly schema: string,
    private readonly objects: ObjectStore,
    private readonly concurrency = 8,
  ) {}

  async sweep(options: SweepOptions = {}): Promise<SweepResult> {
    const graceMs = options.graceMs ?? DEFAULT_OBJECT_GRACE_MS;
    if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`sweep: graceMs must be >= 0, got ${graceMs}`);
    const dryRun = options.dryRun ?? false;
    const cutoff = new Date(Date.now() - graceMs);
    const scan = options.scanObjectStore ?? true;
    const orphanKeys = scan ? await this.#orphans(cutoff) : [];
    const abandonedUploads = scan ? ((await this.objects.sweepAbandonedUploads?.({ olderThan: cutoff, dryRun })) ?? 0) : 0;
    if (dryRun) return this.#dryRun(cutoff, orphanKeys, abandonedUploads);

    let orphans = 0;
    for (let i = 0; i < orphanKeys.length; i += 1000) orphans += await this.#adopt(orphanKeys.slice(i, i + 1000));
    const adopted = new Set(orphanKeys.map((o) => o.key));
    let deleted = 0;
    let deletedBytes = 0;
    const sample: string[] = [];
    const batchSize = options.batchSize ?? 200;
    for (;;) {
      const batch = await this.engine.transaction((tx) => this.#sweepBatch(tx, cutoff, batchSize, adopted));
      if (batch === 'locked') {
        return { dryRun, skipped: deleted === 0, orphans, abandonedUploads, deleted, deletedBytes, sample };
      }
      deleted += batch.length;
      deletedBytes += batch.reduce((sum, c) => sum + (c.size_bytes ?? 0), 0);
      sample.push(...batch.slice(0, SAMPLE - sample.length).map((c) => c.object_key));
      options.onProgress?.({ deleted, deletedBytes });
      if (batch.length < batchSize) break;
    }
    await this.engine.query(
      `delete from ${this.schema}.collected_objects where collected_at < now() - interval '${COLLECTED_RETENTION}'`,
    );
    return { dryRun, skipped: false, orphans, abandonedUploads, deleted, deletedBytes, sample };
  }

  /** One batch in one transaction; 'locked' when another sweeper is running. */
  async #sweepBatch(tx: SqlExecutor, cutoff: Date, limit: number, adopted: ReadonlySet<string>): Promise<Candidate[] | 'locked'> {
    const [lock] = await tx.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as ok`, [
      `temporal-xcom:sweep:${this.schema}`,
    ]);
    if (!lock?.ok) return 'locked';
    // SKIP LOCKED: a row a writer is touching right now is not garbage; leave it for a later sweep.
    const locked = await tx.query<Candidate>(
      `select object_key, size_bytes from ${this.schema}.objects o
        where touched_at < $1
          and not exists (select 1 from ${this.schema}.entries e where e.object_key = o.object_key)
        order by touched_at limit $2
        for update skip locked`,
      [cutoff, limit],
    );
    if (locked.length === 0) return [];
    // A new statement, a new snapshot: an entry that committed while we took the locks is visible now, and none can
    // be added after (its foreign-key check needs the row lock we hold).
    const doomed = await tx.query<Candidate>(
      `select object_key, size_bytes from ${this.schema}.objects o
        where object_key = any($1::text[]) and touched_at < $2
          and not exists (select 1 from ${this.schema}.entries e where e.object_key = o.object_key)`,
      [locked.map((c) => c.object_key), cutoff],
    );
    if (doomed.length === 0) return [];
    // Stored objects first: a crash after this leaves rows without objects, which no entry can reference anyway
    // and the next sweep removes.
    await mapLimited(doomed, this.concurrency, (c) => this.objects.delete(c.object_key));
    const keys = doomed.map((c) => c.object_key);
    await tx.query(
      `with gone as (delete from ${this.schema}.objects where object_key = any($1::text[]) returning object_key, size_bytes)
       insert into ${this.schema}.collected_objects (object_key, size_bytes, reason)
       select object_key, size_bytes, case when object_key = any($2::text[]) then 'orphan' else 'unreferenced' end from gone`,
      [keys, keys.filter((k) => adopted.has(k))],
    );
    return doomed;
  }

  /** Our stored objects (by key format) older than the cutoff that have no row. */
  async #orphans(cutoff: Date): Promise<{ key: string; sizeBytes: number; lastModified: Date }[]> {
    const found: { key: string; sizeBytes: number; lastModified: Date }[] = [];
    let page: { key: string; sizeBytes: number; lastModified: Date }[] = [];
    const flush = async () => {
      if (page.length === 0) return;
      const known = await this.engine.query<{ object_key: string }>(
        `select object_key from ${this.schema}.objects where object_key = any($1::text[])`,
        [page.map((o) => o.key)],
      );
      const have = new Set(known.map((k) => k.object_key));
      found.push(...page.filter((o) => !have.has(o.key)));
      page = [];
    };
    for await (const object of this.objects.list('')) {
      if (object.lastModified >= cutoff || parseObjectKey(object.key) === undefined) continue;
      page.push(object);
      if (page.length >= 1000) await flush();
    }
    await flush();
    return found;
  }

  /**
   * Gives orphans a row dated by their upload, so the batch loop collects them under the same protocol. A writer
   * that touched the key meanwhile keeps its fresh row (do nothing on conflict).
   */
  async #adopt(orphans: readonly { key: string; sizeBytes: number; lastModified: Date }[]): Promise<number> {
    if (orphans.length === 0) return 0;
    const rows = await this.engine.query<{ object_key: string }>(
      `insert into ${this.schema}.objects (object_key, size_bytes, touched_at, created_at)
       select k, s, t, t from unnest($1::text[], $2::int8[], $3::timestamptz[]) as u(k, s, t)
       on conflict (object_key) do nothing returning object_key`,
      // ISO text: a Date from another realm (a test sandbox) is not recognised by every driver's array serializer.
      [orphans.map((o) => o.key), orphans.map((o) => o.sizeBytes), orphans.map((o) => o.lastModified.toISOString())],
    );
    return rows.length;
  }

  async #dryRun(
    cutoff: Date,
    orphanKeys: readonly { key: string; sizeBytes: number }[],
    abandonedUploads: number,
  ): Promise<SweepResult> {
    const rows = await this.engine.query<{ n: number; bytes: number; sample: string[] | null }>(
      `select count(*)::int as n, coalesce(sum(size_bytes), 0)::int8 as bytes,
              (array_agg(object_key order by touched_at))[1:${SAMPLE}] as sample
         from ${this.schema}.objects o
        where touched_at < $1 and not exists (select 1 from ${this.schema}.entries e where e.object_key = o.object_key)`,
      [cutoff],
    );
    const row = rows[0]!;
    const orphanBytes = orphanKeys.reduce((sum, o) => sum + o.sizeBytes, 0);
    return {
      dryRun: true,
      skipped: false,
      orphans: orphanKeys.length,
      abandonedUploads,
      deleted: row.n + orphanKeys.length,
      deletedBytes: Number(row.bytes) + orphanBytes,
      sample: [...(row.sample ?? []), ...orphanKeys.map((o) => o.key)].slice(0, SAMPLE),
    };
  }
}
