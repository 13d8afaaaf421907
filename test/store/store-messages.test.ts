// What the library says about the store it opened, and how a missing object is explained.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { XComIntegrityError } from '../../src/errors';
import { setXComLogger } from '../../src/log/xcom-log';
import type { XComStore } from '../../src/store/xcom-store';
import { XComRuntime } from '../../src/worker/runtime';
import { testStoreConfig } from '../helpers/store-fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'xcom-messages-'));
});
afterAll(async () => {
  setXComLogger(undefined);
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('store messages', () => {
  test('opening a store logs one line naming it; rows in a server with objects in a directory also warn', async () => {
    const lines: string[] = [];
    setXComLogger({ info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) });
    const runtime = new XComRuntime({
      store: testStoreConfig(db.url, { objects: { kind: 'directory', directory: path.join(dir, 'objects') } }),
      objectSweep: false,
    });
    try {
      const store = (await runtime.store()) as XComStore;
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^info temporal-xcom store: rows in postgres .* \(schema xcom\), large values in directory .*objects; engine postgres/);
      expect(lines[1]).toMatch(/^warn temporal-xcom: rows are in a Postgres server but large values go to a local directory/);

      // A row whose object is gone: the error names configuration, not only corruption.
      const id = { dagId: 'messages', runId: 'r', taskId: 't', key: 'return_value' };
      await store.set({ ...id, value: randomBytes(store.inlineThresholdBytes), attempt: 0 });
      const objectKey = (await store.getMany({ dagIds: 'messages' }, { values: false }))[0]!.objectKey!;
      await store.objectStore.delete(objectKey);
      const error = await store.get(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XComIntegrityError);
      expect((error as Error).message).toMatch(/which is missing from .*Rows are in a Postgres server but objects in a local directory/);
    } finally {
      await runtime.close();
    }
    lines.length = 0;
    const s3 = new XComRuntime({ store: testStoreConfig(db.url), objectSweep: false });
    try {
      await s3.store();
      expect(lines.map((l) => l.split(' ')[0])).toEqual(['info']);
    } finally {
      await s3.close();
    }
  });
});
