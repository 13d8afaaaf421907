// Mapped instances on one worker share one read of the list they are mapped over (src/worker/resolve-items.ts), and
// that shared read still answers to each instance's read isolation: a task that may not read the list gets the
// access error even when an allowed task's instance loaded it a moment before.
import { randomBytes } from 'node:crypto';
import { ReadLog, recordingReads } from '../../src/audit/read-log';
import type { ItemSource } from '../../src/common/arg-refs';
import { XComExclusiveReaderError } from '../../src/store/exclusive/exclusive-errors';
import { XComStore } from '../../src/store/xcom-store';
import { guardedReads } from '../../src/worker/exclusive/guarded-reads';
import { resolveItem } from '../../src/worker/resolve-items';
import { openEngine, openObjectStore, uniqueRunId } from '../helpers/store-fixtures';
import { countingBackend } from './counting-backend';

const released: (() => Promise<void>)[] = [];
let store: XComStore;
const dagId = `shared_items_${randomBytes(3).toString('hex')}`;
const runId = uniqueRunId('shared');
const items = Array.from({ length: 8 }, (_, i) => ({ item: i }));
let source: ItemSource;

beforeAll(async () => {
  const engine = await openEngine('postgres');
  const objects = await openObjectStore('directory');
  released.push(objects.release, engine.release);
  store = new XComStore({ engine: engine.value, objectStore: objects.value });
  await store.commitAttempt({
    dagId,
    runId,
    taskId: 'split',
    mapIndex: -1,
    attempt: 1,
    fence: 1,
    values: new Map([['items', items]]),
    keyExclusive: new Map([['items', { readers: ['fan'] }]]),
  });
  const record = (await store.get({ dagId, runId, taskId: 'split', key: 'items' }))!;
  source = { kind: 'value', ref: { $xcomRef: 1, dagId, runId, taskId: 'split', mapIndex: -1, key: 'items', sizeBytes: record.sizeBytes, digest: record.digest } };
});

afterAll(async () => {
  for (const release of released.splice(0).reverse()) await release();
});

/** What a task attempt resolves its arguments through: the audit view over the read guard over the worker's store. */
function attemptView(base: XComStore | ReturnType<typeof countingBackend>['store'], taskId: string, log = new ReadLog()) {
  return { store: recordingReads(guardedReads(base, { dagId, taskId }), log), mapFunctions: { get: () => undefined } };
}

test('instances of a mapped task read the list once between them, and each gets its own copy of its item', async () => {
  const counted = countingBackend(store);
  const logs = items.map(() => new ReadLog());
  const resolved = await Promise.all(items.map((_, i) => resolveItem(attemptView(counted.store, 'fan', logs[i]), source, i)));
  expect(resolved).toEqual(items);
  expect(resolved[0]).not.toBe(resolved[1]);
  expect(counted.calls.get).toBe(1);
  // Each attempt still records the version it read, for the audit trail.
  expect(logs.map((log) => log.list().length)).toEqual(items.map(() => 1));
});

test('a task outside the readers is refused even when the list was just read for one inside them', async () => {
  const counted = countingBackend(store);
  await resolveItem(attemptView(counted.store, 'fan'), source, 0);
  const refused = await resolveItem(attemptView(counted.store, 'spy'), source, 1).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(XComExclusiveReaderError);
  expect(String(refused)).toMatch(/key 'items' of task 'split' .* task 'spy' may not read it/);
});
