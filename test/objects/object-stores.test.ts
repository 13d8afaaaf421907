/**
 * Both object stores against the same behaviour suite: the directory store on a temp directory, the S3 store on the
 * real MinIO that globalSetup starts (S3_* variables). No mocks: a fake would agree with whatever we assumed.
 */
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { XComConfigError, XComIdentityError, XComObjectNotFoundError, XComStoreUnavailableError, XComTooLargeError } from '../../src/errors';
import {
  DirectoryObjectStore,
  S3ObjectStore,
  objectKeyFor,
  objectPrefixFor,
  parseObjectKey,
  type ObjectKeyEntry,
  type ObjectStore,
} from '../../src/objects';

const MIB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const runTag = `object-stores-${process.pid}-${randomBytes(4).toString('hex')}`;

/** A port nothing listens on: one the system handed out and was given back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function s3Env(): { endpoint: string; region: string; bucket: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  const need = (name: string): string => {
    const value = process.env[name];
    if (value === undefined || value === '') {
      throw new Error(`${name} is not set: the S3 tests need the MinIO that test/setup/global-setup.ts starts`);
    }
    return value;
  };
  return {
    endpoint: need('S3_ENDPOINT'),
    region: process.env.S3_REGION ?? 'us-east-1',
    bucket: need('S3_BUCKET'),
    credentials: { accessKeyId: need('S3_ACCESS_KEY_ID'), secretAccessKey: need('S3_SECRET_ACCESS_KEY') },
  };
}

/** A client of our own, for checks that go around the store (multipart ETags, raw listings). */
function rawClient(): S3Client {
  const { endpoint, region, credentials } = s3Env();
  return new S3Client({ endpoint, region, credentials, forcePathStyle: true });
}

async function ensureBucket(): Promise<void> {
  const client = rawClient();
  try {
    await client.send(new CreateBucketCommand({ Bucket: s3Env().bucket }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
  } finally {
    client.destroy();
  }
}

interface Harness {
  store: ObjectStore;
  /** Lists what really sits in the backing storage under the store's root, temp files included. */
  rawKeys(): Promise<string[]>;
  dispose(): Promise<void>;
}

const harnesses: Record<'directory' | 's3', () => Promise<Harness>> = {
  async directory() {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'xcom-objects-'));
    const directory = path.join(root, 'store');
    return {
      store: new DirectoryObjectStore({ directory }),
      rawKeys: async () => (await fs.readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []))
        .filter((d) => d.isFile())
        .map((d) => path.relative(directory, path.join(d.parentPath, d.name)).split(path.sep).join('/')),
      dispose: () => fs.rm(root, { recursive: true, force: true }),
    };
  },
  async s3() {
    await ensureBucket();
    const { endpoint, region, bucket, credentials } = s3Env();
    const prefix = `${runTag}/${randomBytes(4).toString('hex')}`;
    const store = new S3ObjectStore({ bucket, prefix, endpoint, region, credentials });
    const client = rawClient();
    return {
      store,
      rawKeys: async () => {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }));
        return (listed.Contents ?? []).map((o) => (o.Key ?? '').slice(prefix.length + 1));
      },
      dispose: async () => {
        const keys: string[] = [];
        for await (const object of store.list('')) keys.push(object.key);
        await inParallel(keys, 32, (key) => store.delete(key));
        await store.close();
        client.destroy();
      },
    };
  },
};

const entry: ObjectKeyEntry = { dagId: 'etl', runId: 'manual__2024-01-01T00:00:00+00:00', taskId: 'extract', mapIndex: -1, key: 'rows' };

async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys.sort();
}

async function* chunksOf(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

describe.each(['directory', 's3'] as const)('%s object store', (kind) => {
  let harness: Harness;
  let store: ObjectStore;

  beforeEach(async () => {
    harness = await harnesses[kind]();
    store = harness.store;
  });
  afterEach(async () => harness.dispose());

  it('puts, gets, checks and deletes an object', async () => {
    const body = Buffer.from('{"rows":[1,2,3]}');
    const key = objectKeyFor(entry, sha256(body), 'json');

    expect(await store.exists(key)).toBe(false);
    await store.put(key, body);
    expect(await store.exists(key)).toBe(true);
    expect((await store.get(key)).equals(body)).toBe(true);

    await store.put(key, body); // content-addressed: a retry writes the same bytes again
    expect((await store.get(key)).equals(body)).toBe(true);

    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    expect(await harness.rawKeys()).toEqual([]);
  });

  it('stores an empty body', async () => {
    await store.put('empty', Buffer.alloc(0));
    expect(await store.get('empty')).toEqual(Buffer.alloc(0));
  });

  it('reports a missing key as XComObjectNotFoundError, and deleting it is fine', async () => {
    const key = objectKeyFor(entry, 'ff'.repeat(32), 'json');
    const failure = await store.get(key).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(XComObjectNotFoundError);
    expect(failure).toMatchObject({ code: 'XCOM_OBJECT_NOT_FOUND', objectKey: key });
    expect((failure as Error).message).toContain(key);
    expect(await store.exists(key)).toBe(false);
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('treats a key that is only a prefix of other keys as missing', async () => {
    await store.put('a/b/c', Buffer.from('x'));
    expect(await store.exists('a/b')).toBe(false);
    await expect(store.get('a/b')).rejects.toBeInstanceOf(XComObjectNotFoundError);
    await expect(store.delete('a/b')).resolves.toBeUndefined();
    expect(await store.exists('a/b/c')).toBe(true);
  });

  it('keeps "/", "%", spaces, unicode, "." and ".." inside key segments', async () => {
    const odd: ObjectKeyEntry = { dagId: '..', runId: 'scheduled/2024 01 01', taskId: 'tâche ✓ 日本', mapIndex: 7, key: '100%/../x' };
    const body = randomBytes(1000);
    const key = objectKeyFor(odd, sha256(body), 'bytes');
    await store.put(key, body);
    expect((await store.get(key)).equals(body)).toBe(true);
    expect(await harness.rawKeys()).toEqual([key]);

    const [listed] = await listKeys(store, objectPrefixFor({ dagId: '..', runId: 'scheduled/2024 01 01' }));
    expect(listed).toBe(key);
    expect(parseObjectKey(listed ?? '')).toMatchObject(odd);
  });

  it('accepts raw keys with spaces, "%" and unicode in segments', async () => {
    const key = 'with space/100%/ünïcødé 🚀/a+b=c&d';
    await store.put(key, Buffer.from('raw'));
    expect((await store.get(key)).toString()).toBe('raw');
    expect(await listKeys(store, 'with space/')).toEqual([key]);
  });

  it.each([
    ['../escape'],
    ['a/../../escape'],
    ['/absolute'],
    ['a//b'],
    ['trailing/'],
    ['.'],
    ['a/./b'],
    ['..'],
    ['a\\..\\b'],
    ['nul\0byte'],
    [''],
  ])('rejects the unsafe key %j and names it', async (key) => {
    for (const attempt of [
      () => store.put(key, Buffer.from('nope')),
      () => store.get(key),
      () => store.exists(key),
      () => store.delete(key),
    ]) {
      const failure = await attempt().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(XComIdentityError);
      expect((failure as Error).message).toContain(JSON.stringify(key));
    }
    expect(await harness.rawKeys()).toEqual([]);
  });

  it('lists by dag, run, task and partial prefix, with sizes', async () => {
    const keys = [
      objectKeyFor(entry, 'aa'.repeat(32), 'json'),
      objectKeyFor({ ...entry, mapIndex: 3 }, 'bb'.repeat(32), 'json+gzip'),
      objectKeyFor({ ...entry, taskId: 'load' }, 'cc'.repeat(32), 'bytes'),
      objectKeyFor({ ...entry, runId: 'other' }, 'dd'.repeat(32), 'json'),
      objectKeyFor({ ...entry, dagId: 'etl2' }, 'ee'.repeat(32), 'json'),
    ];
    await Promise.all(keys.map((key, i) => store.put(key, Buffer.alloc(i + 1))));
    const [k0, k1, k2, k3] = keys as [string, string, string, string, string?];

    expect(await listKeys(store, '')).toEqual([...keys].sort());
    expect(await listKeys(store, objectPrefixFor({ dagId: 'etl' }))).toEqual([k0, k1, k2, k3].sort());
    expect(await listKeys(store, objectPrefixFor({ dagId: 'etl', runId: entry.runId }))).toEqual([k0, k1, k2].sort());
    expect(await listKeys(store, objectPrefixFor({ dagId: 'etl', runId: entry.runId, taskId: 'extract' }))).toEqual([k0, k1].sort());
    expect(await listKeys(store, 'etl')).toEqual([...keys].sort()); // a partial segment matches etl and etl2
    expect(await listKeys(store, 'nothing/here/')).toEqual([]);

    const infos = new Map<string, { sizeBytes: number; lastModified: Date }>();
    for await (const info of store.list('')) infos.set(info.key, info);
    expect(keys.map((key) => infos.get(key)?.sizeBytes)).toEqual([1, 2, 3, 4, 5]);
    for (const info of infos.values()) expect(Math.abs(info.lastModified.getTime() - Date.now())).toBeLessThan(600_000);
  });

  it('lists more than one page of objects', async () => {
    const keys = Array.from({ length: 1_010 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    await inParallel(keys, 32, (key) => store.put(key, Buffer.from(key)));
    expect(await listKeys(store, 'many/')).toEqual(keys);
  });

  it('round-trips a 40 MB body intact (multipart for S3)', async () => {
    const body = randomBytes(40 * MIB);
    const key = objectKeyFor(entry, sha256(body), 'bytes');
    await store.put(key, body);
    const read = await store.get(key);
    expect(read.length).toBe(body.length);
    expect(sha256(read)).toBe(sha256(body));
    if (store instanceof S3ObjectStore) {
      // A multipart object's ETag is "<md5 of part md5s>-<parts>": 40 MiB in 8 MiB parts is 5 parts.
      const client = rawClient();
      const head = await client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: `${store.prefix}/${key}` }));
      client.destroy();
      expect(head.ETag).toMatch(/-5"$/);
    }
  });

  it('streams a body in and out as it arrives (multipart for S3)', async () => {
    const chunks = Array.from({ length: 24 }, () => randomBytes(MIB));
    const whole = Buffer.concat(chunks);
    const key = objectKeyFor(entry, 'ab'.repeat(32), 'bytes');
    await store.putStream!(key, chunksOf(chunks));
    const read: Buffer[] = [];
    for await (const chunk of await store.getStream!(key)) read.push(Buffer.from(chunk));
    expect(sha256(Buffer.concat(read))).toBe(sha256(whole));
    expect(read.length).toBeGreaterThan(1); // it came in pieces, not as one buffer
    if (store instanceof S3ObjectStore) {
      const client = rawClient();
      const head = await client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: `${store.prefix}/${key}` }));
      client.destroy();
      expect(head.ETag).toMatch(/-3"$/); // 24 MiB in 8 MiB parts
    }
  });

  it('streams a value shorter than one part, and one of exactly two parts, intact', async () => {
    for (const [hex, sizes, parts] of [['a1', [100, 5000], ''], ['a2', [8 * MIB, 3 * MIB, 5 * MIB], '-2']] as const) {
      const chunks = sizes.map((n) => randomBytes(n));
      const key = objectKeyFor(entry, hex.repeat(32), 'bytes');
      await store.putStream!(key, chunksOf(chunks));
      expect(sha256(await store.get(key))).toBe(sha256(Buffer.concat(chunks)));
      if (store instanceof S3ObjectStore) {
        const client = rawClient();
        const head = await client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: `${store.prefix}/${key}` }));
        client.destroy();
        // One PutObject below a part; 16 MiB in two 8 MiB parts (a multipart ETag ends in -<parts>).
        expect(head.ETag?.endsWith(`${parts}"`) && (parts !== '' || !/-\d+"$/.test(head.ETag))).toBe(true);
      }
    }
  });

  it('removes a partial stream when its source fails, and rethrows the source\'s error', async () => {
    const key = objectKeyFor(entry, 'cd'.repeat(32), 'bytes');
    const refused = new XComTooLargeError('over the cap', 13 * MIB, 12 * MIB);
    async function* overTheCap(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 12; i++) yield randomBytes(MIB);
      throw refused;
    }
    await expect(store.putStream!(key, overTheCap())).rejects.toBe(refused);
    expect(await store.exists(key)).toBe(false);
    expect(await harness.rawKeys()).toEqual([]);
    if (store instanceof S3ObjectStore) {
      const client = rawClient();
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: store.bucket }));
      client.destroy();
      const fullKey = `${store.prefix}/${key}`;
      expect((uploads.Uploads ?? []).filter((u) => u.Key === fullKey)).toEqual([]);
    }
  });

  it('reports a missing key from getStream before any byte', async () => {
    const failure = await store.getStream!(objectKeyFor(entry, 'ef'.repeat(32), 'bytes')).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(XComObjectNotFoundError);
  });
});

describe('DirectoryObjectStore', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'xcom-dir-store-'));
  });
  afterEach(async () => fs.rm(root, { recursive: true, force: true }));

  const filesUnder = async (dir: string) =>
    (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));

  it('describes itself as a file URL of its absolute path', () => {
    const store = new DirectoryObjectStore({ directory: path.relative(process.cwd(), path.join(root, 'objects')) });
    expect(store.directory).toBe(path.join(root, 'objects'));
    expect(store.description).toBe(`file://${path.join(root, 'objects')}`);
  });

  it('never writes outside its root, whatever the entry ids say', async () => {
    const directory = path.join(root, 'store');
    const store = new DirectoryObjectStore({ directory });
    const key = objectKeyFor({ dagId: '..', runId: '../..', taskId: '/etc', mapIndex: 0, key: '../../passwd' }, 'ab'.repeat(32), 'json');
    await store.put(key, Buffer.from('x'));
    expect(await fs.readdir(root)).toEqual(['store']);
    expect(await filesUnder(directory)).toEqual([key.split('/').join(path.sep)]);
  });

  it('reserves the temp-file prefix', async () => {
    const store = new DirectoryObjectStore({ directory: root });
    await expect(store.put('a/.xcom-tmp-123', Buffer.from('x'))).rejects.toThrow(/reserved/);
  });

  it('leaves no temp file behind when a write fails', async () => {
    const store = new DirectoryObjectStore({ directory: root });
    await store.put('x/y', Buffer.from('inner'));
    // Renaming a file over the non-empty directory `x` fails after the temp file was fully written.
    await expect(store.put('x', Buffer.from('outer'))).rejects.toThrow(/DirectoryObjectStore put failed \[directory=.*, key=x\]/);
    expect(await filesUnder(root)).toEqual([path.join('x', 'y')]);
  });

  it('shows nothing under the key when the process dies before the rename', async () => {
    const store = new DirectoryObjectStore({ directory: root });
    const key = objectKeyFor(entry, 'ab'.repeat(32), 'json');
    const child = spawnSync(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(__dirname, 'fixtures', 'crash-before-rename.ts'), root, key, String(3 * MIB)],
      { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' },
    );
    expect({ signal: child.signal, stderr: child.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });

    // The whole body reached a temp file, but the key never saw it.
    const [temp, ...others] = await filesUnder(root);
    expect(others).toEqual([]);
    expect(path.basename(temp ?? '')).toMatch(/^\.xcom-tmp-[0-9a-f]{16}$/);
    expect((await fs.stat(path.join(root, temp ?? ''))).size).toBe(3 * MIB);
    expect(await store.exists(key)).toBe(false);
    await expect(store.get(key)).rejects.toBeInstanceOf(XComObjectNotFoundError);
    expect(await listKeys(store, '')).toEqual([]);

    // Leftovers are swept once old enough, and a retry of the put succeeds.
    expect(await store.sweepAbandonedUploads({ olderThan: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await store.sweepAbandonedUploads({ olderThan: new Date(Date.now() + 1000), dryRun: true })).toBe(1);
    expect(await store.sweepAbandonedUploads({ olderThan: new Date(Date.now() + 1000) })).toBe(1);
    await store.put(key, Buffer.from('retried'));
    expect(await filesUnder(root)).toEqual([key.split('/').join(path.sep)]);
  });

  it('removes directories that deleting left empty', async () => {
    const store = new DirectoryObjectStore({ directory: root });
    await store.put('a/b/c/one', Buffer.from('1'));
    await store.put('a/two', Buffer.from('2'));
    await store.delete('a/b/c/one');
    expect(await fs.readdir(root, { recursive: true })).toEqual(['a', path.join('a', 'two')]);
  });

  it('lists nothing when its directory does not exist yet', async () => {
    const store = new DirectoryObjectStore({ directory: path.join(root, 'not-yet') });
    expect(await listKeys(store, '')).toEqual([]);
    expect(await store.exists('k')).toBe(false);
  });
});

describe('S3ObjectStore', () => {
  beforeAll(ensureBucket);

  it('describes itself as s3://bucket/prefix (endpoint)', async () => {
    const { endpoint, bucket, credentials } = s3Env();
    const store = new S3ObjectStore({ bucket, prefix: '/xcom/objects/', endpoint, credentials });
    expect(store.description).toBe(`s3://${bucket}/xcom/objects (${endpoint})`);
    await store.close();
    await store.close(); // idempotent
  });

  it('aborts multipart uploads a dead writer left under its prefix, and only those', async () => {
    const { bucket } = s3Env();
    const client = rawClient();
    const prefix = `${runTag}/abandoned`;
    const store = new S3ObjectStore({ bucket, prefix, client });
    const mine = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${prefix}/d/r/t/-1/k/obj.bytes` }));
    const other = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${runTag}/elsewhere/obj` }));
    try {
      expect(await store.sweepAbandonedUploads({ olderThan: new Date(Date.now() - 3_600_000) })).toBe(0);
      const later = new Date(Date.now() + 60_000);
      expect(await store.sweepAbandonedUploads({ olderThan: later, dryRun: true })).toBe(1);
      expect(await store.sweepAbandonedUploads({ olderThan: later })).toBe(1);
      const left = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      const ids = (left.Uploads ?? []).map((u) => u.UploadId);
      expect(ids).not.toContain(mine.UploadId);
      expect(ids).toContain(other.UploadId);
    } finally {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: `${runTag}/elsewhere/obj`, UploadId: other.UploadId }));
      client.destroy();
    }
  });

  it('does not destroy a client it was given', async () => {
    const { bucket } = s3Env();
    const client = rawClient();
    const store = new S3ObjectStore({ bucket, prefix: `${runTag}/own-client`, client });
    await store.put('k', Buffer.from('v'));
    await store.close();
    // The client still works after the store closed: its sockets were left alone.
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `${runTag}/own-client/k` }));
    expect(head.ContentLength).toBe(1);
    const again = new S3ObjectStore({ bucket, prefix: `${runTag}/own-client`, client });
    await again.delete('k');
    expect(await again.exists('k')).toBe(false);
    client.destroy();
  });

  it('rejects a client together with connection options', () => {
    const client = rawClient();
    expect(() => new S3ObjectStore({ bucket: 'b', client, endpoint: 'http://x', region: 'r' })).toThrow(XComConfigError);
    expect(() => new S3ObjectStore({ bucket: 'b', client, endpoint: 'http://x' })).toThrow(/either a client or connection options.*endpoint/);
    client.destroy();
  });

  it.each([
    [{ bucket: '' }, /needs a bucket/],
    [{ bucket: 'b', partSizeBytes: MIB }, /partSizeBytes must be an integer >= 5242880/],
    [{ bucket: 'b', queueSize: 0 }, /queueSize/],
    [{ bucket: 'b', multipartThresholdBytes: -1 }, /multipartThresholdBytes/],
    [{ bucket: 'b', prefix: 'a/../b' }, /prefix "a\/..\/b" is not usable/],
  ])('rejects bad options %j', (options, message) => {
    expect(() => new S3ObjectStore(options)).toThrow(XComConfigError);
    expect(() => new S3ObjectStore(options)).toThrow(message);
  });

  it('names the bucket setting when the bucket does not exist, keeping the cause', async () => {
    const { endpoint, region, credentials } = s3Env();
    const store = new S3ObjectStore({ bucket: `missing-${randomBytes(6).toString('hex')}`, prefix: 'p', endpoint, region, credentials });
    const put = await store.put('k', Buffer.from('v')).catch((err: unknown) => err);
    // Retryable (nothing is lost while someone creates the bucket), and it says which setting to look at.
    expect(put).toBeInstanceOf(XComStoreUnavailableError);
    expect((put as Error).message).toMatch(
      /^XCom object store unavailable: the bucket does not exist at s3:\/\/missing-[0-9a-f]+\/p .*\(put \[bucket=missing-[0-9a-f]+, key=p\/k\]: .*NoSuchBucket.*Check S3_BUCKET/,
    );
    expect((put as Error).cause).toMatchObject({ name: 'NoSuchBucket' });
    // A missing bucket is a configuration problem, not a missing object.
    const get = await store.get('k').catch((err: unknown) => err);
    expect(get).not.toBeInstanceOf(XComObjectNotFoundError);
    expect(get).toBeInstanceOf(XComStoreUnavailableError);
    expect((get as Error).message).toMatch(/^XCom object store unavailable: the bucket does not exist .*\(get .*Check S3_BUCKET/);
    await store.close();
  });

  it('names the endpoint setting when nothing answers there', async () => {
    const { region, credentials, bucket } = s3Env();
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const store = new S3ObjectStore({ bucket, endpoint, region, credentials });
    const get = await store.get('k').catch((err: unknown) => err);
    expect(get).toBeInstanceOf(XComStoreUnavailableError);
    expect((get as Error).message).toMatch(/^XCom object store unavailable: cannot reach s3:\/\/.*ECONNREFUSED.*Check S3_ENDPOINT/);
    await store.close();
  });

  it('names the credential settings when the service refuses them', async () => {
    const { endpoint, region, bucket, credentials } = s3Env();
    const wrong = { accessKeyId: credentials.accessKeyId, secretAccessKey: `${credentials.secretAccessKey}-wrong` };
    const store = new S3ObjectStore({ bucket, endpoint, region, credentials: wrong });
    const put = await store.put('k', Buffer.from('v')).catch((err: unknown) => err);
    expect(put).toBeInstanceOf(XComStoreUnavailableError);
    expect((put as Error).message).toMatch(/^XCom object store unavailable: credentials were refused by .*SignatureDoesNotMatch.*Check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
    await store.close();
  });

  it('keeps other failures as S3ObjectStore errors naming bucket and key', async () => {
    const { bucket } = s3Env();
    const client = rawClient();
    client.middlewareStack.add(
      () => () => Promise.reject(new Error('injected failure')),
      { step: 'initialize', name: 'failEverything' },
    );
    const store = new S3ObjectStore({ bucket, prefix: 'p', client });
    const get = await store.get('k').catch((err: unknown) => err);
    expect(get).not.toBeInstanceOf(XComStoreUnavailableError);
    expect((get as Error).message).toBe(`S3ObjectStore get failed [bucket=${bucket}, key=p/k]: injected failure`);
    await store.close();
    client.destroy();
  });

  it('aborts a multipart upload whose part fails, leaving no parts and no object', async () => {
    const { bucket } = s3Env();
    const client = rawClient();
    // Fault injection on a real client talking to real MinIO: part 3 of the upload fails before it is sent.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { PartNumber?: number };
        if (context.commandName === 'UploadPartCommand' && input.PartNumber === 3) throw new Error('injected part failure');
        return next(args);
      },
      { step: 'initialize', name: 'failThirdPart' },
    );
    const prefix = `${runTag}/aborted`;
    const store = new S3ObjectStore({ bucket, prefix, client, queueSize: 1 });
    await expect(store.put('big', randomBytes(40 * MIB))).rejects.toThrow(
      new RegExp(`^S3ObjectStore put failed \\[bucket=${bucket}, key=${prefix}/big\\]: injected part failure`),
    );
    expect(await store.exists('big')).toBe(false);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
    expect(uploads.Uploads ?? []).toEqual([]);
    client.destroy();
  });
});
