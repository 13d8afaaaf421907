import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createValueCodec } from '../../src/codec/value-codec';
import { encryptionKeyring } from '../../src/codec/encryption-keys';
import { XComIntegrityError, XComTooLargeError } from '../../src/errors';
import { uniqueRunId } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';

const DAG = 'conformance_streams';
const MIB = 1024 * 1024;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function* chunksOf(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Values given as byte streams: streamed to the object store as they arrive, read back as streams, verified. */
export function describeStreamConformance(ctx: () => ConformanceContext): void {
  describe('byte streams', () => {
    const identity = (key = 'return_value') => ({ dagId: DAG, runId: uniqueRunId(), taskId: 'produce', key });

    it('stores a large stream as raw bytes in the object store, and reads it back whole or as a stream', async () => {
      const { store } = ctx();
      const chunks = Array.from({ length: 12 }, () => randomBytes(MIB));
      const whole = Buffer.concat(chunks);
      const id = identity();
      const result = await store.set({ ...id, value: Readable.from(chunks), attempt: 1 });
      expect(result).toMatchObject({ written: true, sizeBytes: whole.length, digest: sha256(whole) });

      const [meta] = await store.getMany({ dagIds: DAG, runId: id.runId }, { values: false });
      expect(meta).toMatchObject({ encoding: 'bytes', sizeBytes: whole.length, storedBytes: whole.length });
      expect(meta!.objectKey).toEqual(expect.any(String));
      expect(sha256((await store.get(id))!.value as Buffer)).toBe(sha256(whole));

      const streamed = await store.getStream(id);
      expect(streamed).toMatchObject({ sizeBytes: whole.length, digest: sha256(whole) });
      expect(sha256(await readAll(streamed!.stream))).toBe(sha256(whole));
    });

    it('keeps a stream that ends below the inline threshold inline, as bytes', async () => {
      const { store } = ctx();
      const id = identity();
      await store.set({ ...id, value: chunksOf([Buffer.from('small '), Buffer.from('stream')]), attempt: 1 });
      const [meta] = await store.getMany({ dagIds: DAG, runId: id.runId }, { values: false });
      expect(meta).toMatchObject({ encoding: 'bytes', objectKey: null, sizeBytes: 12 });
      expect((await store.get(id))!.value).toEqual(Buffer.from('small stream'));
      expect((await readAll((await store.getStream(id))!.stream)).toString()).toBe('small stream');
    });

    it('refuses a stream the moment it passes the cap, without reading the rest, and leaves no entry', async () => {
      const store = ctx().storeWith({ maxValueBytes: 6 * MIB });
      let pulled = 0;
      // Endless: only a cap enforced as the bytes arrive can end this write.
      async function* endless(): AsyncGenerator<Buffer> {
        for (;;) {
          pulled++;
          yield randomBytes(MIB);
        }
      }
      const id = identity();
      const failure = await store.set({ ...id, value: endless(), attempt: 1 }).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(XComTooLargeError);
      expect((failure as Error).message).toMatch(/passed 7\.00 MiB \(7340032 bytes\) while streaming, above the cap of 6\.00 MiB \(6291456 bytes\) \(maxValueBytes\)/);
      expect(pulled).toBeLessThanOrEqual(8);
      expect(await store.get(id)).toBeUndefined();
    });

    it('ends a stream whose object was changed with an integrity error, not a normal end', async () => {
      const { store, objects } = ctx();
      const original = randomBytes(2 * MIB);
      const id = identity();
      await store.set({ ...id, value: chunksOf([original]), attempt: 1 });
      const [meta] = await store.getMany({ dagIds: DAG, runId: id.runId }, { values: false });
      const forged = Buffer.from(original);
      forged[MIB] = forged[MIB]! ^ 0xff;
      await objects.put(meta!.objectKey!, forged);
      const streamed = await store.getStream(id);
      await expect(readAll(streamed!.stream)).rejects.toThrow(XComIntegrityError);
      await expect(readAll(streamed!.stream)).rejects.toThrow(/digest mismatch/);
    });

    it('commits a stream as a task attempt\'s result', async () => {
      const { store } = ctx();
      const whole = randomBytes(3 * MIB);
      const id = identity();
      const outcome = await store.commitAttempt({
        dagId: id.dagId,
        runId: id.runId,
        taskId: id.taskId,
        mapIndex: -1,
        values: new Map([['return_value', chunksOf([whole.subarray(0, MIB), whole.subarray(MIB)])]]),
        attempt: 1,
        fence: 1,
      });
      expect(outcome.entries[0]).toMatchObject({ written: true, sizeBytes: whole.length, digest: sha256(whole) });
      expect(sha256(await readAll((await store.getStream(id))!.stream))).toBe(sha256(whole));
    });

    it('seals a stream like any value when encryption is on (gathered first: a value is sealed whole)', async () => {
      const codec = createValueCodec({ encryption: encryptionKeyring([{ id: 'k1', key: randomBytes(32) }]) });
      const store = ctx().storeWith({ codec });
      const whole = randomBytes(2 * MIB);
      const id = identity();
      await store.set({ ...id, value: chunksOf([whole]), attempt: 1 });
      const [meta] = await store.getMany({ dagIds: DAG, runId: id.runId }, { values: false });
      expect(meta!.encoding).toMatch(/^bytes.*\+aes256gcm\.k1/);
      expect(sha256(await readAll((await store.getStream(id))!.stream))).toBe(sha256(whole));
    });
  });
}
