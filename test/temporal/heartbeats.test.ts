import { randomBytes } from 'node:crypto';
import { encryptionKeyring } from '../../src/codec/encryption-keys';
import type { XComRef } from '../../src/common/xcom-ref';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { XComStore } from '../../src/store/xcom-store';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';
import { slowObjectStore } from '../helpers/slow-object-store';
import { openObjectStore } from '../helpers/store-fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

let ctx: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext();
});
afterAll(async () => ctx.release());

const MEGABYTES = 100;
/**
 * The SDK sends heartbeats at most every 0.8 × the heartbeat timeout (1.6 s of 2 s): a slack of 0.4 s, which a
 * loaded machine's scheduling alone can eat. A worker that lets them through every 0.5 s leaves the server seeing
 * the interceptor's beats (every 2/3 s) with a second to spare; without those beats the tasks still time out.
 */
const PROMPT_HEARTBEATS = { maxHeartbeatThrottleInterval: '500 ms' } as const;
type BigBytesResult = { ref: XComRef; checked: { attempt: number; length: number; sha256: string } };

describe('the interceptor heartbeats while it works (real Temporal, Postgres, MinIO)', () => {
  test(`a ${MEGABYTES} MB result with a 2 s heartbeat timeout commits on attempt 1; its consumer resolves it on attempt 1`, async () => {
    const { workflowId, result } = await ctx.run<BigBytesResult>('bigBytesWorkflow', [MEGABYTES], PROMPT_HEARTBEATS);
    expect(result.ref).toMatchObject({ $xcomRef: 1, taskId: 'big_bytes', sizeBytes: MEGABYTES * 1024 * 1024 });
    // The consumer got the bytes (resolving the ref heartbeats too) on its first attempt.
    expect(result.checked).toEqual({ attempt: 1, length: MEGABYTES * 1024 * 1024, sha256: result.ref.digest });

    const store = await ctx.store();
    const identity = { dagId: 'bigBytesWorkflow', runId: workflowId, taskId: 'big_bytes', mapIndex: -1, key: 'return_value' };
    const [entry] = await store.getMany({ dagIds: identity.dagId, runId: workflowId, taskIds: 'big_bytes' }, { values: false });
    expect(entry).toMatchObject({ attempt: 1, sizeBytes: MEGABYTES * 1024 * 1024, digest: result.ref.digest });
    const ledger = await store.ledger(identity);
    expect(ledger.map((l) => `${l.attempt}:${l.outcome}`)).toEqual(['1:written']);
  });
});

describe('with encryption at rest: sealing, opening and the keyed digest of 100 MB', () => {
  let encrypted: PluginContext;
  beforeAll(async () => {
    encrypted = await openPluginContext({}, { encryption: encryptionKeyring([{ id: 'hb', key: randomBytes(32) }]) });
  });
  afterAll(async () => encrypted.release());

  // Sealed and opened in one call each, 100 MB held the event loop long enough on a loaded machine to miss beats.
  test(`a ${MEGABYTES} MB encrypted result commits on attempt 1 with a 2 s heartbeat timeout; its consumer opens it on attempt 1`, async () => {
    const { workflowId, result } = await encrypted.run<BigBytesResult>('bigBytesWorkflow', [MEGABYTES], PROMPT_HEARTBEATS);
    expect(result.checked).toMatchObject({ attempt: 1, length: MEGABYTES * 1024 * 1024 });
    const store = await encrypted.store();
    const [entry] = await store.getMany({ dagIds: 'bigBytesWorkflow', runId: workflowId, taskIds: 'big_bytes' }, { values: false });
    expect(entry).toMatchObject({ attempt: 1, sizeBytes: MEGABYTES * 1024 * 1024 });
    expect(entry!.encoding).toContain('hb');
  });
});

describe('with uploads and downloads slower than the heartbeat timeout (real MinIO behind a 3 s delay)', () => {
  let slow: PluginContext;
  let database: TestDatabase;
  let store: XComStore;
  beforeAll(async () => {
    database = await createTestDatabase();
    const objects = await openObjectStore('minio');
    store = new XComStore({ engine: createPostgresEngine({ connectionString: database.url }), objectStore: slowObjectStore(objects.value, 3000) });
    slow = await openPluginContext({ store });
  });
  afterAll(async () => {
    await slow.release();
    await store.close();
    await database.drop();
  });

  // Without the interceptor's heartbeats, both tasks time out on every attempt here, whatever the machine's speed.
  test('the upload and the ref resolution heartbeat: both tasks succeed on attempt 1', async () => {
    const { workflowId, result } = await slow.run<BigBytesResult>('bigBytesWorkflow', [1], PROMPT_HEARTBEATS);
    expect(result.checked).toEqual({ attempt: 1, length: 1024 * 1024, sha256: result.ref.digest });
    const ledger = await store.ledger({ dagId: 'bigBytesWorkflow', runId: workflowId, taskId: 'big_bytes', mapIndex: -1, key: 'return_value' });
    expect(ledger.map((l) => `${l.attempt}:${l.outcome}`)).toEqual(['1:written']);
  });

  test('heartbeat details the task reported survive the interceptor\'s own heartbeats in later attempts', async () => {
    const { result } = await slow.run('heartbeatDetailsWorkflow', [], PROMPT_HEARTBEATS);
    expect(result).toEqual({ checkpoint: 'from attempt 1' });
  });
});
