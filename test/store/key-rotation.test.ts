import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createValueCodec } from '../../src/codec/value-codec';
import { encryptionKeyring, type EncryptionKeyring } from '../../src/codec/encryption-keys';
import { entryRef } from '../../src/common/xcom-ref';
import { openXComStore } from '../../src/config/open-store';
import type { StoreConfig } from '../../src/config/store-config';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { S3ObjectStore } from '../../src/objects/s3-object-store';
import { rotateEncryptionKeys } from '../../src/store/key-rotation/rotate-keys';
import { XComStore } from '../../src/store/xcom-store';
import { loadRef } from '../../src/worker/resolve-refs';
import { testStoreConfig, uniqueRunId } from '../helpers/store-fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

// `xcom rotate-keys` on Postgres and MinIO: every value resealed under the newest key (rows and objects), nothing a
// concurrent writer commits lost, resumable, and digests (what refs, waits and the ledger pin) unchanged.
const DAG = 'key_rotation';
const MARKER = 'ROTATION-PLAINTEXT-5c1e';
const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const old = encryptionKeyring([k1]);
const both = encryptionKeyring([k2, k1]);
const onlyNew = encryptionKeyring([k2]);

// A database per test: a rotation covers every entry of its store.
let database: TestDatabase;
let sql: Client;
let base: StoreConfig;
beforeEach(async () => {
  database = await createTestDatabase();
  sql = new Client({ connectionString: database.url });
  await sql.connect();
  // Compression off, so a value that were left plain would show the marker as is.
  base = testStoreConfig(database.url, { compression: 'none', inlineThresholdBytes: 4096 });
});
afterEach(async () => {
  await sql.end();
  await database.drop();
});

async function withStore<T>(encryption: EncryptionKeyring | undefined, fn: (store: XComStore) => Promise<T>): Promise<T> {
  const store = await openXComStore({ ...base, encryption });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A store whose codec has no digest key: digests keyed per encryption key, as every store wrote before sql/000008. */
async function withLegacyStore<T>(encryption: EncryptionKeyring, fn: (store: XComStore) => Promise<T>): Promise<T> {
  const store = new XComStore({
    engine: createPostgresEngine({ connectionString: database.url }),
    objectStore: new S3ObjectStore(base.objects as never),
    codec: createValueCodec({ compression: 'none', encryption }),
    inlineThresholdBytes: 4096,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const small = (i: number) => ({ note: MARKER, i });
const large = (i: number) => ({ note: MARKER, i, rows: Array.from({ length: 400 }, (_, n) => `${MARKER}-${n}`) });
const identity = (runId: string, taskId: string) => ({ dagId: DAG, runId, taskId, key: 'return_value' });
const holdsMarker = (bytes: Buffer | null) => bytes !== null && bytes.includes(Buffer.from(MARKER));

interface RawRow {
  task_id: string;
  digest: string;
  encoding: string;
  inline_value: Buffer | null;
  object_key: string | null;
}
async function rawRows(runId: string): Promise<RawRow[]> {
  const { rows } = await sql.query<RawRow>(
    'select task_id, digest, encoding, inline_value, object_key from xcom.entries where run_id = $1 order by task_id',
    [runId],
  );
  return rows;
}

describe('xcom rotate-keys', () => {
  test('reseals inline and object values under the newest key; raw rows and objects hold no plaintext and only its id; digests and refs still match', async () => {
    const runId = uniqueRunId();
    // Four kinds of value: written with the store's digest key and with the older per-key digests, inline and large.
    const written = await withStore(old, (store) =>
      store.commit([
        { ...identity(runId, 'new_small'), value: small(1), attempt: 1 },
        { ...identity(runId, 'new_large'), value: large(2), attempt: 1 },
      ]),
    );
    const legacy = await withLegacyStore(old, (store) =>
      store.commit([
        { ...identity(runId, 'legacy_small'), value: small(3), attempt: 1 },
        { ...identity(runId, 'legacy_large'), value: large(4), attempt: 1 },
      ]),
    );
    const before = await rawRows(runId);
    expect(before.map((r) => r.encoding)).toEqual(['json+aes256gcm.k1', 'json+aes256gcm.k1', 'json+aes256gcm.k1+digest.store', 'json+aes256gcm.k1+digest.store']);
    const refs = [...written, ...legacy].map((r) => entryRef({ ...r.identity, sizeBytes: r.sizeBytes, digest: r.digest }));

    const result = await withStore(both, (store) => rotateEncryptionKeys(store, both, { batchSize: 3 }));
    expect(result).toMatchObject({ keyId: 'k2', digestKeyWrappedBefore: 'k1', remaining: 0, changedMeanwhile: 0 });
    expect(result.rotated).toBeGreaterThanOrEqual(4);

    const after = await rawRows(runId);
    expect(after.map((r) => r.encoding)).toEqual([
      'json+aes256gcm.k2+digest.hkdf-k1',
      'json+aes256gcm.k2+digest.hkdf-k1',
      'json+aes256gcm.k2+digest.store',
      'json+aes256gcm.k2+digest.store',
    ]);
    expect(after.map((r) => r.digest)).toEqual(before.map((r) => r.digest));
    const objects = new S3ObjectStore(base.objects as never);
    try {
      for (const row of after) {
        const raw = row.object_key === null ? row.inline_value : await objects.get(row.object_key);
        expect([row.task_id, holdsMarker(raw)]).toEqual([row.task_id, false]);
        if (row.object_key !== null) expect(row.object_key).toContain('aes256gcm.k2');
      }
    } finally {
      await objects.close();
    }
    // Every old object is still referenced by `objects` (the sweeper's to collect), and no row points at it.
    const oldKeys = before.flatMap((r) => (r.object_key ? [r.object_key] : []));
    const { rows: kept } = await sql.query('select object_key from xcom.objects where object_key = any($1)', [oldKeys]);
    expect(kept).toHaveLength(2);
    const { rows: wrapped } = await sql.query('select wrapped_by from xcom.digest_keys');
    expect(wrapped).toEqual([{ wrapped_by: 'k2' }]);

    // With k1 gone: every value reads, refs made before rotation resolve, and the store's digest key still gives
    // equal values equal digests.
    await withStore(onlyNew, async (store) => {
      const values = { new_small: small(1), new_large: large(2), legacy_small: small(3), legacy_large: large(4) };
      for (const [taskId, value] of Object.entries(values)) {
        expect((await store.get(identity(runId, taskId)))?.value).toEqual(value);
      }
      for (const ref of refs) expect(await loadRef(store, ref)).toEqual(values[ref.taskId as keyof typeof values]);
      const [again] = await store.commit([{ ...identity(uniqueRunId(), 'new_small'), value: small(1), attempt: 1 }]);
      expect(again!.digest).toBe(written[0]!.digest);
    });
  });

  test('plain values are encrypted only with includePlaintext, keeping their digest', async () => {
    const runId = uniqueRunId();
    await withStore(undefined, (store) => store.set({ ...identity(runId, 'plain'), value: small(5), attempt: 1 }));
    const [plain] = await rawRows(runId);
    const skipped = await withStore(both, (store) => rotateEncryptionKeys(store, both));
    expect((await rawRows(runId))[0]!.encoding).toBe('json');
    expect(skipped.remaining).toBeGreaterThanOrEqual(1);
    await withStore(both, (store) => rotateEncryptionKeys(store, both, { includePlaintext: true }));
    const [sealed] = await rawRows(runId);
    expect(sealed).toMatchObject({ encoding: 'json+aes256gcm.k2+digest.sha256', digest: plain!.digest });
    expect(holdsMarker(sealed!.inline_value)).toBe(false);
    await withStore(onlyNew, async (store) => expect((await store.get(identity(runId, 'plain')))?.value).toEqual(small(5)));
  });

  test('interrupted after a batch, a second run continues and finishes', async () => {
    const runId = uniqueRunId();
    const values = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? large(i) : small(i)));
    const k3 = { id: 'k3', key: randomBytes(32) };
    const next = encryptionKeyring([k3, k2, k1]);
    await withStore(both, (store) =>
      store.commit(values.map((value, i) => ({ ...identity(runId, `t${String(i).padStart(2, '0')}`), value, attempt: 1 }))),
    );
    const stop = new Error('interrupted');
    const interrupted = await withStore(next, (store) =>
      rotateEncryptionKeys(store, next, {
        batchSize: 4,
        onProgress: (p) => {
          if (p.rotated >= 4) throw stop;
        },
      }).catch((err: unknown) => err),
    );
    expect(interrupted).toBe(stop);
    const midway = await rawRows(runId);
    const resealed = midway.filter((r) => r.encoding.includes('aes256gcm.k3')).length;
    expect(resealed).toBeGreaterThan(0);
    expect(resealed).toBeLessThan(values.length);

    const resumed = await withStore(next, (store) => rotateEncryptionKeys(store, next, { batchSize: 4 }));
    expect(resumed.remaining).toBe(0);
    const done = await rawRows(runId);
    expect(done.every((r) => r.encoding.startsWith('json+aes256gcm.k3+'))).toBe(true);
    await withStore(encryptionKeyring([k3]), async (store) => {
      for (const [i, value] of values.entries()) {
        expect((await store.get(identity(runId, `t${String(i).padStart(2, '0')}`)))?.value).toEqual(value);
      }
    });
  });

  test('a write committed between the read and the swap stands (the swap compares the row version)', async () => {
    const runId = uniqueRunId();
    const k4 = { id: 'k4', key: randomBytes(32) };
    const before = encryptionKeyring([k1]);
    const next = encryptionKeyring([k4, k1]);
    await withStore(before, (store) => store.set({ ...identity(runId, 'target'), value: small(7), attempt: 1 }));
    // The writer: a process still sealing with k1 rewrites the entry. It holds the row's lock first, so the
    // rotation reads the old version and then waits at its swap; the writer commits; the swap must not undo it.
    const writer = new Client({ connectionString: database.url });
    await writer.connect();
    try {
      await writer.query('begin');
      await writer.query("select 1 from xcom.entries where run_id = $1 and task_id = 'target' for update", [runId]);
      const rotation = withStore(next, (store) => rotateEncryptionKeys(store, next, { batchSize: 1000 }));
      await waitForLockWait(writer);
      const encoded = await createValueCodec({ compression: 'none', encryption: before }).encode(small(8));
      await writer.query(
        `update xcom.entries set inline_value = $2, digest = $3, encoding = $4, stored_bytes = $5, attempt = 2, updated_at = now()
          where run_id = $1 and task_id = 'target'`,
        [runId, encoded.bytes, encoded.digest, encoded.encoding, encoded.bytes.length],
      );
      await writer.query('commit');
      const result = await rotation;
      expect(result.changedMeanwhile).toBeGreaterThanOrEqual(1);
      // The next pass resealed the writer's value, which is the one that stands.
      expect(result.remaining).toBe(0);
      const [row] = await rawRows(runId);
      expect(row).toMatchObject({ digest: encoded.digest, encoding: 'json+aes256gcm.k4+digest.hkdf-k1' });
      await withStore(encryptionKeyring([k4]), async (store) => {
        expect((await store.get(identity(runId, 'target')))?.value).toEqual(small(8));
      });
    } finally {
      await writer.end();
    }
  });
});

/** Until another session waits for a lock the writer's session holds. */
async function waitForLockWait(writer: Client): Promise<void> {
  const [{ pid }] = (await writer.query<{ pid: number }>('select pg_backend_pid() as pid')).rows as [{ pid: number }];
  for (;;) {
    const { rows } = await sql.query('select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [pid]);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
