import { quoteSchema } from '../../src/migrations/schema-name';
import { XComStore } from '../../src/store/xcom-store';
import { dagCursorArg, dagPage } from '../../src/ui/dag-page';
import { openEngine, openObjectStore, type Opened } from '../helpers/store-fixtures';
import type { SqlEngine } from '../../src/engines/sql-engine';
import type { ObjectStore } from '../../src/objects/object-store';

let engine: Opened<SqlEngine>;
let objects: Opened<ObjectStore>;
let store: XComStore;
beforeAll(async () => {
  engine = await openEngine('postgres');
  objects = await openObjectStore('directory');
  store = new XComStore({ engine: engine.value, objectStore: objects.value });
  const runs: [string, string, string][] = [
    ['alpha', 'a1', '2026-01-01'],
    ['alpha', 'a2', '2026-01-03'],
    ['beta', 'b1', '2026-01-02'],
    ['gamma', 'g1', '2026-01-01'],
    ['gamma', 'g2', '2025-12-31'],
  ];
  for (const [dagId, runId, date] of runs) {
    await store.set({ dagId, runId, taskId: 't', key: 'k', value: 1, attempt: 1, logicalDate: new Date(`${date}T00:00:00Z`) });
  }
});
afterAll(async () => {
  await objects.release();
  await engine.release();
});

test('DAGs by id a page at a time, each with its newest run', async () => {
  const schema = quoteSchema(store.schema);
  const first = await dagPage(engine.value, schema, { limit: 2 });
  expect(first.dags).toEqual([
    { dagId: 'alpha', latestRunId: 'a2', latestRunAt: new Date('2026-01-03T00:00:00Z') },
    { dagId: 'beta', latestRunId: 'b1', latestRunAt: new Date('2026-01-02T00:00:00Z') },
  ]);
  expect(first.next).toEqual(expect.any(String));
  const second = await dagPage(engine.value, schema, { limit: 2, after: dagCursorArg(first.next!) });
  expect(second).toEqual({ dags: [{ dagId: 'gamma', latestRunId: 'g1', latestRunAt: new Date('2026-01-01T00:00:00Z') }] });
  expect(() => dagCursorArg('bm9wZQ')).toThrow(/is not a cursor that 'xcom dags' printed/);
});
