import { randomBytes, createHash } from 'node:crypto';
import { Client } from 'pg';
import { encryptionKeyring, type EncryptionKeyring } from '../../src/codec/encryption-keys';
import { createValueCodec } from '../../src/codec/value-codec';
import { openXComStore } from '../../src/config/open-store';
import type { StoreConfig } from '../../src/config/store-config';
import { XComConfigError, XComIntegrityError } from '../../src/errors';
import { S3ObjectStore } from '../../src/objects/s3-object-store';
import type { XComStore } from '../../src/store/xcom-store';
import { testStoreConfig, uniqueRunId } from '../helpers/store-fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

// Encryption at rest on Postgres and MinIO: what the database and the bucket hold must not contain the values,
// and whoever can write them must not be able to slip in a value the store then returns.
const DAG = 'encryption_at_rest';
const MARKER = 'PLAINTEXT-MARKER-7f3a';
const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

let database: TestDatabase;
let sql: Client;
beforeAll(async () => {
  database = await createTestDatabase();
  sql = new Client({ connectionString: database.url });
  await sql.connect();
});
afterAll(async () => {
  await sql.end();
  await database.drop();
});

/** A store with compression off, so a test without encryption would find the marker as is (the control). */
async function withStore<T>(encryption: EncryptionKeyring | undefined, fn: (store: XComStore, config: StoreConfig) => Promise<T>, base?: StoreConfig): Promise<T> {
  const config = { ...(base ?? testStoreConfig(database.url, { compression: 'none', inlineThresholdBytes: 4096 })), encryption };
  const store = await openXComStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

const values = { small: { note: MARKER, n: 1 }, large: { note: MARKER, rows: Array.from({ length: 2000 }, (_, i) => `${MARKER}-${i}`) } };

/** Writes a small (inline) and a large (object store) value; returns the raw row bytes and the raw object bytes. */
async function writeAndReadRaw(store: XComStore, config: StoreConfig) {
  const runId = uniqueRunId();
  await store.commit(Object.entries(values).map(([taskId, value]) => ({ dagId: DAG, runId, taskId, key: 'return_value', value, attempt: 1 })));
  const rows = (await sql.query<{ task_id: string; inline_value: Buffer | null; object_key: string | null; digest: string; encoding: string }>(
    'select task_id, inline_value, object_key, digest, encoding from xcom.entries where run_id = $1 order by task_id', [runId],
  )).rows;
  const objects = new S3ObjectStore(config.objects as never);
  try {
    const large = rows.find((r) => r.task_id === 'large')!;
    expect(large.object_key).not.toBeNull();
    const object = await objects.get(large.object_key!);
    return { runId, rows, object };
  } finally {
    await objects.close();
  }
}

const holdsMarker = (bytes: Buffer | null): boolean => bytes !== null && bytes.includes(Buffer.from(MARKER));

describe('encryption at rest', () => {
  test('control: without encryption the raw row and object hold the value as written', async () => {
    await withStore(undefined, async (store, config) => {
      const { rows, object } = await writeAndReadRaw(store, config);
      expect(holdsMarker(rows.find((r) => r.task_id === 'small')!.inline_value)).toBe(true);
      expect(holdsMarker(object)).toBe(true);
    });
  });

  test('with keys set, raw rows and objects hold no plaintext and no plain digest; values read back whole', async () => {
    await withStore(encryptionKeyring([k1]), async (store, config) => {
      const { runId, rows, object } = await writeAndReadRaw(store, config);
      const small = rows.find((r) => r.task_id === 'small')!;
      expect(holdsMarker(small.inline_value)).toBe(false);
      expect(holdsMarker(object)).toBe(false);
      expect(rows.map((r) => r.encoding)).toEqual(['json+aes256gcm.k1+digest.store', 'json+aes256gcm.k1+digest.store']);
      // The digest is keyed: not the SHA-256 anyone could compute from a guess of the value.
      const plainDigest = createHash('sha256').update(JSON.stringify(values.small)).digest('hex');
      expect(small.digest).not.toBe(plainDigest);
      for (const taskId of ['small', 'large'] as const) {
        expect((await store.get({ dagId: DAG, runId, taskId, key: 'return_value' }))?.value).toEqual(values[taskId]);
      }
    });
  });

  test('compressed values (the default gzip) are compressed, then sealed, and read back whole', async () => {
    const config = testStoreConfig(database.url, { inlineThresholdBytes: 4096 });
    await withStore(encryptionKeyring([k1]), async (store) => {
      const { runId, rows } = await writeAndReadRaw(store, config);
      // Rows in task order: 'large' is gzipped before it is sealed; 'small' is under the compression threshold.
      expect(rows.map((r) => r.encoding)).toEqual(['json+gzip+aes256gcm.k1+digest.store', 'json+aes256gcm.k1+digest.store']);
      for (const taskId of ['small', 'large'] as const) {
        expect((await store.get({ dagId: DAG, runId, taskId, key: 'return_value' }))?.value).toEqual(values[taskId]);
      }
    }, config);
  });

  test('a forged value with a recomputed digest, a changed digest, a flipped byte and a plaintext swap are all detected', async () => {
    await withStore(encryptionKeyring([k1]), async (store, config) => {
      const { runId } = await writeAndReadRaw(store, config);
      const id = { dagId: DAG, runId, taskId: 'small', key: 'return_value' };
      const original = (await sql.query('select inline_value, digest, encoding from xcom.entries where run_id = $1 and task_id = $2', [runId, 'small'])).rows[0];
      const forge = async (inline: Buffer, digest: string, encoding: string): Promise<unknown> => {
        await sql.query('update xcom.entries set inline_value = $3, digest = $4, encoding = $5 where run_id = $1 and task_id = $2', [runId, 'small', inline, digest, encoding]);
        return store.get(id).then(() => 'read', (err: unknown) => err);
      };
      const forged = Buffer.from(JSON.stringify({ note: 'forged', n: 2 }));
      const forgedDigest = createHash('sha256').update(forged).digest('hex');
      // A forged envelope: a ciphertext the attacker made under keys of their own (named k1 too), with a digest to match.
      const attacker = createValueCodec({ compression: 'none', encryption: encryptionKeyring([{ id: 'k1', key: randomBytes(32) }]), digestKey: () => Promise.resolve(randomBytes(32)) });
      const other = await attacker.encode(values.small);
      const flipped = Buffer.from(original.inline_value as Buffer);
      flipped[flipped.length - 20]! ^= 1;
      const attempts = {
        otherKey: await forge(other.bytes, other.digest, other.encoding),
        changedDigest: await forge(original.inline_value, forgedDigest, original.encoding),
        flippedByte: await forge(flipped, original.digest, original.encoding),
        plaintextSwap: await forge(forged, forgedDigest, 'json'),
      };
      for (const [name, outcome] of Object.entries(attempts)) {
        expect([name, outcome]).toEqual([name, expect.any(XComIntegrityError)]);
      }
      expect((attempts.plaintextSwap as Error).message).toContain('XCOM_ENCRYPTION_READ_PLAINTEXT');
      await forge(original.inline_value, original.digest, original.encoding);
      expect((await store.get(id))?.value).toEqual(values.small);
    });
  });

  test('keys rotate: the newest seals, older keys still open until removed, then the errors name the key and setting', async () => {
    const base = testStoreConfig(database.url, { compression: 'none', inlineThresholdBytes: 4096 });
    const runId = uniqueRunId();
    const id = (taskId: string) => ({ dagId: DAG, runId, taskId, key: 'return_value' });
    await withStore(encryptionKeyring([k1]), (store) => store.set({ ...id('old'), value: values.large, attempt: 1 }), base);
    await withStore(encryptionKeyring([k2, k1]), async (store) => {
      await store.set({ ...id('new'), value: values.small, attempt: 1 });
      expect((await store.get(id('old')))?.value).toEqual(values.large);
    }, base);
    const encodings = (await sql.query('select task_id, encoding from xcom.entries where run_id = $1 order by task_id', [runId])).rows;
    expect(encodings).toEqual([{ task_id: 'new', encoding: 'json+aes256gcm.k2+digest.store' }, { task_id: 'old', encoding: 'json+aes256gcm.k1+digest.store' }]);
    await withStore(encryptionKeyring([k2]), async (store) => {
      // A value sealed with k2 reads with k2 alone: its envelope authenticates its digest. Until `xcom rotate-keys` has
      // run (test/store/key-rotation.test.ts), the store's digest key is wrapped by k1, so new values cannot be written.
      expect((await store.get(id('new')))?.value).toEqual(values.small);
      const early = await store.set({ ...id('newer'), value: values.small, attempt: 1 }).catch((err: unknown) => err);
      expect(early).toBeInstanceOf(XComConfigError);
      expect((early as Error).message).toMatch(/digest key .* is wrapped by encryption key 'k1', which XCOM_ENCRYPTION_KEYS does not hold.*'xcom rotate-keys'/s);
      const refused = await store.get(id('old')).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(XComConfigError);
      expect((refused as Error).message).toMatch(/encrypted with key 'k1', which XCOM_ENCRYPTION_KEYS does not hold \(it holds 'k2'\)/);
    }, base);
  });

  test('two stores on one engine (openXComStore with `engine`): each keeps its own codec', async () => {
    const base = testStoreConfig(database.url, { compression: 'none', inlineThresholdBytes: 4096 });
    const sealed = await openXComStore({ ...base, encryption: encryptionKeyring([k1]) });
    const plain = await openXComStore(base, { engine: sealed.engine });
    try {
      expect(plain.engine).toBe(sealed.engine);
      const runId = uniqueRunId();
      await sealed.set({ dagId: DAG, runId, taskId: 'sealed', key: 'k', value: values.small, attempt: 1 });
      await plain.set({ dagId: DAG, runId, taskId: 'plain', key: 'k', value: values.small, attempt: 1 });
      const raw = (await sql.query<{ task_id: string; inline_value: Buffer }>(
        'select task_id, inline_value from xcom.entries where run_id = $1 order by task_id', [runId],
      )).rows;
      expect(raw.map((r) => [r.task_id, holdsMarker(r.inline_value)])).toEqual([['plain', true], ['sealed', false]]);
      expect((await sealed.get({ dagId: DAG, runId, taskId: 'sealed', key: 'k' }))?.value).toEqual(values.small);
      expect((await plain.get({ dagId: DAG, runId, taskId: 'plain', key: 'k' }))?.value).toEqual(values.small);
    } finally {
      await plain.close();
      await sealed.close();
    }
  });

  test('values written before encryption are refused unless XCOM_ENCRYPTION_READ_PLAINTEXT allows them', async () => {
    const base = testStoreConfig(database.url, { compression: 'none' });
    const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'before', key: 'return_value' };
    await withStore(undefined, (store) => store.set({ ...id, value: values.small, attempt: 1 }), base);
    await withStore(encryptionKeyring([k1]), async (store) => {
      await expect(store.get(id)).rejects.toThrow(/stored unencrypted \(encoding json\) while encryption is on/);
    }, base);
    await withStore(encryptionKeyring([k1], { readPlaintext: true }), async (store) => {
      expect((await store.get(id))?.value).toEqual(values.small);
    }, base);
  });
});
