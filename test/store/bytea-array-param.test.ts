// Inline values reach the commit statements as a binary bytea[] through pg (src/store/bytea-array-param.ts): on a
// Postgres server, and through the embedded store's socket (pg speaking to PGlite), every byte and null survives.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedEngine } from '../../src/engines/open-embedded-store';
import { createPgliteEngine, type PgliteEngine } from '../../src/engines/pglite-engine';
import type { SqlEngine } from '../../src/engines/sql-engine';
import { migrate } from '../../src/migrations/migrate';
import { byteaArrayFor, byteaArrayParam } from '../../src/store/bytea-array-param';
import { XComStore } from '../../src/store/xcom-store';
import { openEngine, openObjectStore, uniqueRunId, type Opened } from '../helpers/store-fixtures';

const VALUES = [randomBytes(1044), Buffer.alloc(0), null, Buffer.from([0, 92, 120, 34, 123, 125, 44, 255])];

test('the binary form names its element type and dimension, and an empty array has none', () => {
  const one = byteaArrayParam([Buffer.from([7])]);
  expect([...one]).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7]);
  expect(byteaArrayParam([null]).readInt32BE(4)).toBe(1);
  expect([...byteaArrayParam([])]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17]);
  expect(byteaArrayFor({ kind: 'pglite' })(VALUES)).toBe(VALUES);
});

/** Round trips through `engine` as its commit statements send them, then writes and reads entries through a store. */
function roundTrips(engine: () => SqlEngine): void {
  test('values, an empty value and a null come back as sent, and an empty array is empty', async () => {
    const param = byteaArrayFor(engine());
    const rows = await engine().query<{ v: Buffer | null; n: number }>(
      'select v, n::int from unnest($1::bytea[]) with ordinality as t(v, n) order by n',
      [param(VALUES)],
    );
    expect(rows.map((r) => r.v)).toEqual(VALUES);
    expect(await engine().query('select cardinality($1::bytea[]) as n', [param([])])).toEqual([{ n: 0 }]);
  });

  test('a keyed batch and an attempt commit store inline bytes as sent', async () => {
    const objects = await openObjectStore('directory');
    const store = new XComStore({ engine: engine(), objectStore: objects.value });
    try {
      const runId = uniqueRunId('bytea');
      const at = (taskId: string) => ({ dagId: 'bytea_dag', runId, taskId, key: 'return_value' });
      const [a, b] = [randomBytes(900), randomBytes(3)];
      await store.commit([
        { ...at('a'), value: a, attempt: 1 },
        { ...at('b'), value: b, attempt: 1 },
        { ...at('c'), value: { text: 'json' }, attempt: 1 },
      ]);
      const values = new Map<string, unknown>([['return_value', b], ['other', { n: 1 }], ['big', randomBytes(60_000)]]);
      await store.commitAttempt({ ...at('d'), mapIndex: -1, attempt: 1, fence: 1, values });
      // No entries at all (an empty column), and only an object (a column of one null).
      await store.commitAttempt({ ...at('e'), mapIndex: -1, attempt: 1, fence: 1, values: new Map() });
      await store.commitAttempt({ ...at('f'), mapIndex: -1, attempt: 1, fence: 1, values: new Map([['return_value', a.toString('hex').repeat(40)]]) });
      expect((await store.get(at('f')))?.value).toEqual(a.toString('hex').repeat(40));
      expect((await store.get(at('a')))?.value).toEqual(a);
      expect((await store.get(at('b')))?.value).toEqual(b);
      expect((await store.get(at('c')))?.value).toEqual({ text: 'json' });
      for (const [key, value] of values) expect((await store.get({ ...at('d'), key }))?.value).toEqual(value);
    } finally {
      await objects.release();
    }
  });
}

describe('on a Postgres server', () => {
  let opened: Opened<SqlEngine>;
  beforeAll(async () => {
    opened = await openEngine('postgres');
  });
  afterAll(() => opened.release());
  roundTrips(() => opened.value);
});

describe("through the embedded store's socket", () => {
  let dir: string;
  let owner: PgliteEngine;
  let viaSocket: SqlEngine;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xcom-bytea-'));
    owner = await createPgliteEngine({ dataDir: join(dir, 'db'), share: true });
    await migrate(owner);
    viaSocket = await openEmbeddedEngine({ dataDir: join(dir, 'db') });
    expect(viaSocket.kind).toBe('postgres');
  });
  afterAll(async () => {
    await viaSocket?.close();
    await owner?.close();
    await rm(dir, { recursive: true, force: true });
  });
  roundTrips(() => viaSocket);
});
