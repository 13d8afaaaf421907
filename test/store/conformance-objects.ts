import { randomBytes } from 'node:crypto';
import type { SqlEngine } from '../../src/engines/sql-engine';
import { quoteSchema } from '../../src/migrations/schema-name';
import { objectKeyFor } from '../../src/objects/object-key';
import { XComObjectCollectedError } from '../../src/store/commit-failure';
import type { XComStore } from '../../src/store/xcom-store';
import { gate, gatedObjectStore } from '../helpers/gated-object-store';
import { uniqueRunId } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';
import { attemptOf } from './conformance-ownership';

const DAG = 'conformance_ownership';
const HOUR = 3_600_000;

/** Every entry of the run reads back (no row points at a missing or different object). */
async function expectAllReadable(store: XComStore, runId: string): Promise<void> {
  for (const meta of await store.getMany({ dagIds: DAG, runId }, { values: false })) {
    await expect(store.get(meta)).resolves.toBeDefined();
  }
}

/** The stored objects under the store's root that carry our key format, by key. */
async function storedKeys(store: XComStore): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const info of store.objectStore.list('')) keys.add(info.key);
  return keys;
}

/** A commit that fails after its uploads (the database refused it). */
function failingCommits(engine: SqlEngine): SqlEngine {
  return {
    ...engine,
    query: (sql, params, options) =>
      sql.includes('commit_attempt') ? Promise.reject(new Error('injected commit failure')) : engine.query(sql, params, options),
  };
}

export function describeObjectCollectionConformance(ctx: () => ConformanceContext): void {
  describe('object collection', () => {
    const big = () => randomBytes(ctx().store.inlineThresholdBytes + 100);

    // Three ways the old code deleted an object inline while a writer of the same content (same content-addressed
    // key) had uploaded it and not committed yet. Each writer here is held between its upload and its commit.
    const orderings: [string, (store: XComStore, runId: string, value: Buffer) => Promise<unknown>][] = [
      ['the entry is replaced', (store, runId) => store.commitAttempt(attemptOf(runId, 1, { k: 'replacement' }, { fence: 2_000 }))],
      ['the entry is deleted', (store, runId) => store.delete({ dagId: DAG, runId, taskId: 't', key: 'k' })],
      [
        'another writer of the same content fails to commit',
        (_store, runId, value) =>
          expect(
            ctx()
              .storeWith({ engine: failingCommits(ctx().engine) })
              .commitAttempt(attemptOf(runId, 1, { k: value }, { fence: 2_500 })),
          ).rejects.toThrow('injected commit failure'),
      ],
    ];

    test.each(orderings)('%s while a writer of the same content sits between upload and commit: every row stays readable', async (_name, interfere) => {
      const { store, objects, storeWith } = ctx();
      const runId = uniqueRunId();
      const value = big();
      await store.commitAttempt(attemptOf(runId, 1, { k: value }, { fence: 1_000 }));
      const held = gate();
      const writer = storeWith({ objectStore: gatedObjectStore(objects, { afterPut: held }) });
      const late = writer.commitAttempt(attemptOf(runId, 1, { k: value }, { fence: 3_000 }));
      await held.reached;

      await interfere(store, runId, value);
      // A sweep now (with any realistic grace) leaves the object: the writer touched it before uploading.
      expect((await store.sweepObjects({ graceMs: HOUR })).deleted).toBe(0);
      held.open();
      expect((await late).won).toBe(true);
      expect((await store.get({ dagId: DAG, runId, taskId: 't', key: 'k' }))?.value).toEqual(value);
      await expectAllReadable(store, runId);
    });

    test('a grace period shorter than the upload-to-commit window fails the commit cleanly; nothing points at a missing object', async () => {
      const { store, objects, storeWith } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { k: 'small' }, { fence: 1_000 }));
      const held = gate();
      const writer = storeWith({ objectStore: gatedObjectStore(objects, { afterPut: held }) });
      const late = writer.commitAttempt(attemptOf(runId, 2, { k: big() }, { fence: 2_000 }));
      await held.reached;
      const sweep = await store.sweepObjects({ graceMs: 0, scanObjectStore: false });
      expect(sweep.deleted).toBeGreaterThanOrEqual(1);
      held.open();
      await expect(late).rejects.toBeInstanceOf(XComObjectCollectedError);
      await expect(late).rejects.toThrow(/collected by the object sweeper before the commit .* XCOM_OBJECT_GRACE/);
      expect((await store.get({ dagId: DAG, runId, taskId: 't', key: 'k' }))?.value).toBe('small');
      await expectAllReadable(store, runId);
    });

    test('a writer touching an object the sweeper is deleting waits, uploads again, and commits a readable row', async () => {
      const { store, objects, storeWith, engine, engineKind } = ctx();
      const runId = uniqueRunId();
      const value = big();
      // An object no entry references any more: written, then replaced.
      await store.commitAttempt(attemptOf(runId, 1, { k: value }, { fence: 1_000 }));
      await store.commitAttempt(attemptOf(runId, 1, { k: 'replaced' }, { fence: 2_000 }));
      const deleting = gate();
      const sweeper = storeWith({ objectStore: gatedObjectStore(objects, { beforeDelete: deleting }) });
      const sweep = sweeper.sweepObjects({ graceMs: 0, scanObjectStore: false });
      await deleting.reached; // the sweeper holds the object's row lock

      const writer = store.commitAttempt(attemptOf(runId, 1, { k: value }, { fence: 3_000 }));
      if (engineKind === 'postgres') await waitForLockWait(engine, 'objects');
      deleting.open();
      expect((await sweep).deleted).toBeGreaterThanOrEqual(1);
      expect((await writer).won).toBe(true);
      expect((await store.get({ dagId: DAG, runId, taskId: 't', key: 'k' }))?.value).toEqual(value);
    });

    test('the sweep removes unreferenced objects, stored objects without a row, and abandoned uploads; then finds nothing', async () => {
      const { store, objects } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { kept: big(), dropped: big() }));
      await store.commitAttempt(attemptOf(runId, 2, { kept: big() }));
      // An object stored with no row: a crash between upload and row in an older version.
      const orphan = objectKeyFor({ dagId: DAG, runId, taskId: 'lost', mapIndex: -1, key: 'k' }, 'ab'.repeat(32), 'bytes');
      await objects.put(orphan, Buffer.from('orphan'));

      const dry = await store.sweepObjects({ graceMs: 0, dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, orphans: 1 });
      expect(dry.deleted).toBeGreaterThanOrEqual(3); // attempt 1's two objects and the orphan
      expect(await objects.exists(orphan)).toBe(true);

      const swept = await store.sweepObjects({ graceMs: 0 });
      expect(swept.orphans).toBeGreaterThanOrEqual(1);
      expect(swept.sample).toContain(orphan);
      expect(await objects.exists(orphan)).toBe(false);
      await expectAllReadable(store, runId);
      const kept = (await store.get({ dagId: DAG, runId, taskId: 't', key: 'kept' }))!.objectKey!;
      expect([...(await storedKeys(store))].filter((k) => k.includes(encodeURIComponent(runId)))).toEqual([kept]);

      const again = await store.sweepObjects({ graceMs: 0 });
      expect({ deleted: again.deleted, orphans: again.orphans, abandoned: again.abandonedUploads }).toEqual({ deleted: 0, orphans: 0, abandoned: 0 });
      const collected = await store.engine.query<{ object_key: string; reason: string }>(
        `select object_key, reason from ${quoteSchema(store.schema)}.collected_objects where object_key = $1`,
        [orphan],
      );
      expect(collected).toEqual([{ object_key: orphan, reason: 'orphan' }]);
    });

    test('a sweep with the default grace leaves young unreferenced objects alone', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { k: big() }));
      await store.commitAttempt(attemptOf(runId, 2, {}));
      const swept = await store.sweepObjects({ scanObjectStore: false });
      expect(swept.deleted).toBe(0);
    });
  });
}

/** Waits until some session is blocked on a lock while running a statement on `table` (Postgres only). */
export async function waitForLockWait(engine: SqlEngine, table: string): Promise<void> {
  for (let i = 0; ; i++) {
    const [row] = await engine.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and query like $1`,
      [`%${table}%`],
    );
    if (row!.n > 0) return;
    if (i > 3000) throw new Error(`no session waited for a lock on ${table} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
