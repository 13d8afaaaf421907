import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { XComIntegrityError } from '../../../src/errors';
import type { ObjectStore } from '../../../src/objects/object-store';
import { XComStore } from '../../../src/store/xcom-store';
import { openEngine, openObjectStore, uniqueRunId, type Opened } from '../../helpers/store-fixtures';

/**
 * Streamed reads of a large value (many chunks), on Postgres and the real MinIO: a changed object ends with an
 * integrity error, a resized one with a size error, and a reader that stops early leaves nothing unhandled behind.
 */
const DAG = 'off_thread_verify';
const MIB = 1024 * 1024;
/** Many chunks of the HTTP body, and not a whole number of MiB. */
const SIZE = 19 * MIB + 12_345;
/** A byte well inside the value, past the first chunks. */
const FLIPPED = 16 * MIB + 5;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function* inMiBs(whole: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < whole.length; at += MIB) yield whole.subarray(at, at + MIB);
}

describe('streamed reads of a large value are verified (postgres + minio)', () => {
  let opened: Opened<unknown>[] = [];
  let store: XComStore;
  let objects: ObjectStore;
  const whole = randomBytes(SIZE);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    const engine = await openEngine('postgres');
    const objectStore = await openObjectStore('minio');
    opened = [objectStore, engine];
    objects = objectStore.value;
    store = new XComStore({ engine: engine.value, objectStore: objects });
    process.on('unhandledRejection', onUnhandled);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    for (const { release } of opened) await release();
  });

  afterEach(() => {
    expect(unhandled).toEqual([]);
  });

  /** A fresh entry holding `whole`, and its object key. */
  async function stored(): Promise<{ id: { dagId: string; runId: string; taskId: string; key: string }; objectKey: string }> {
    const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'produce', key: 'return_value' };
    await store.set({ ...id, value: inMiBs(whole), attempt: 1 });
    const [meta] = await store.getMany({ dagIds: DAG, runId: id.runId }, { values: false });
    expect(meta).toMatchObject({ encoding: 'bytes', sizeBytes: SIZE, digest: sha256(whole) });
    return { id, objectKey: meta!.objectKey! };
  }

  async function streamOf(id: Parameters<XComStore['getStream']>[0]): Promise<Readable> {
    const record = await store.getStream(id);
    return record!.stream;
  }

  it('reads a large value back whole and verified', async () => {
    const { id } = await stored();
    expect(sha256(await readAll(await streamOf(id)))).toBe(sha256(whole));
  });

  it('ends a read of a changed object with a digest mismatch naming both digests', async () => {
    const { id, objectKey } = await stored();
    const forged = Buffer.from(whole);
    forged[FLIPPED] = forged[FLIPPED]! ^ 0xff;
    await objects.put(objectKey, forged);
    const failure = await readAll(await streamOf(id)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(XComIntegrityError);
    expect((failure as Error).message).toBe(
      `XCom [dag=${DAG}, run=${id.runId}, task=produce, key=return_value] (object '${objectKey}'): digest mismatch, expected sha256 ${sha256(whole)}, ` +
        `got ${sha256(forged)}. The stored bytes were changed or corrupted after they were written.`,
    );
  });

  it('ends a read of a shortened or lengthened object with a size error', async () => {
    const { id, objectKey } = await stored();
    await objects.put(objectKey, whole.subarray(0, SIZE - 1));
    await expect(readAll(await streamOf(id))).rejects.toThrow(`the object holds only ${SIZE - 1} of the ${SIZE} bytes written`);
    await objects.put(objectKey, Buffer.concat([whole, Buffer.from('x')]));
    await expect(readAll(await streamOf(id))).rejects.toThrow(`the object holds more than the ${SIZE} bytes written`);
  });

  it('a reader that stops early (destroy, break, destroy with an error) leaves nothing unhandled, and reads go on after', async () => {
    const { id } = await stored();

    const destroyed = await streamOf(id);
    await once(destroyed, 'readable');
    expect(destroyed.read()).not.toBeNull();
    destroyed.destroy();
    await once(destroyed, 'close');

    const broken = await streamOf(id);
    let seen = 0;
    for await (const chunk of broken) {
      seen += (chunk as Buffer).length;
      if (seen > 2 * MIB) break; // past the first chunks hashed
    }
    expect(broken.destroyed).toBe(true);

    const failed = await streamOf(id);
    await once(failed, 'readable');
    const gaveUp = new Error('the consumer gave up');
    const errored = once(failed, 'error');
    failed.destroy(gaveUp);
    expect((await errored)[0]).toBe(gaveUp);

    expect(sha256(await readAll(await streamOf(id)))).toBe(sha256(whole));
  });
});
