import { randomBytes } from 'node:crypto';
import { XComIntegrityError, XComTooLargeError } from '../../src/errors';
import { uniqueRunId } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';

const DAG = 'conformance_values';

/** Every supported type, nested. */
function richValue(): Record<string, unknown> {
  return {
    text: "héllo ✓ 'quoted' \"double\" \\ back",
    number: 1.5,
    negativeZero: -0,
    notANumber: NaN,
    infinity: Infinity,
    negativeInfinity: -Infinity,
    bigint: 123456789012345678901234567890n,
    negativeBigint: -5n,
    bool: false,
    nothing: null,
    date: new Date('2024-01-02T03:04:05.678Z'),
    bytes: new Uint8Array([0, 1, 254, 255]),
    buffer: Buffer.from('buffer bytes'),
    map: new Map<unknown, unknown>([
      ['a', 1],
      [2, new Date(0)],
    ]),
    set: new Set<unknown>([1, 'x', 3n]),
    nested: [{ deep: new Map([['k', new Set([new Uint8Array([9, 8])])]]) }],
    holes: [1, undefined, 3],
    lookalike: { $xcom: 'Date', v: 'not a date' },
  };
}

export function describeValueConformance(ctx: () => ConformanceContext): void {
  describe('values', () => {
    test.each([
      ['inline', 1],
      ['in the object store', 4000],
    ])('every type round-trips %s', async (_where, copies) => {
      const { store } = ctx();
      const value = { items: Array.from({ length: copies }, richValue) };
      const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'types', key: 'return_value' };
      await store.set({ ...id, value, attempt: 1 });
      const record = await store.get(id);
      expect(record?.objectKey === null).toBe(copies === 1);
      const back = record!.value as { items: Record<string, unknown>[] };
      expect(back).toStrictEqual(value);
      const first = back.items[0]!;
      expect(Object.is(first.negativeZero, -0)).toBe(true);
      expect(Buffer.isBuffer(first.buffer)).toBe(true);
      expect(first.bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(first.bytes)).toBe(false);
      expect([...(first.map as Map<unknown, unknown>).keys()]).toEqual(['a', 2]);
    });

    test('scalars and top-level binary round-trip', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      const values: unknown[] = ['plain', 42, 7n, true, new Date(5), Buffer.from([1, 2, 3]), [], {}];
      await store.commit(values.map((value, i) => ({ dagId: DAG, runId, taskId: `t${i}`, key: 'k', value, attempt: 1 })));
      for (const [i, value] of values.entries()) {
        expect((await store.get({ dagId: DAG, runId, taskId: `t${i}`, key: 'k' }))?.value).toStrictEqual(value);
      }
    });

    test('inline threshold boundary: one byte under stays in the row, at and over go to the object store', async () => {
      const { store } = ctx();
      const threshold = store.inlineThresholdBytes;
      const runId = uniqueRunId();
      // A top-level Buffer is stored raw, so its serialized size is its length exactly.
      const sizes = { under: threshold - 1, at: threshold, over: threshold + 1 };
      for (const [taskId, size] of Object.entries(sizes)) {
        await store.set({ dagId: DAG, runId, taskId, key: 'blob', value: randomBytes(size), attempt: 1 });
      }
      for (const [taskId, size] of Object.entries(sizes)) {
        const record = await store.get({ dagId: DAG, runId, taskId, key: 'blob' });
        expect(record?.sizeBytes).toBe(size);
        expect(record?.objectKey === null).toBe(taskId === 'under');
        expect((record?.value as Buffer).length).toBe(size);
      }
    });

    test('a value above the hard cap fails with its size and the cap, and writes nothing', async () => {
      const capped = ctx().storeWith({ maxValueBytes: 100_000 });
      const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'huge', key: 'return_value' };
      const write = capped.set({ ...id, value: Buffer.alloc(100_001), attempt: 1 });
      await expect(write).rejects.toThrow(XComTooLargeError);
      await expect(write).rejects.toThrow(/97\.7 KiB \(100001 bytes\), above the cap of 97\.7 KiB \(100000 bytes\)/);
      expect(await capped.get(id)).toBeUndefined();
      await capped.set({ ...id, value: Buffer.alloc(100_000), attempt: 1 });
      expect(((await capped.get(id))?.value as Buffer).length).toBe(100_000);
    });

    test('a tampered object is detected on read', async () => {
      const { store, objects } = ctx();
      const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'tamper', key: 'big' };
      await store.set({ ...id, value: 'x'.repeat(store.inlineThresholdBytes * 2), attempt: 1 });
      const record = await store.get(id);
      const original = await objects.get(record!.objectKey!);
      const tampered = Buffer.from(original);
      tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
      await objects.put(record!.objectKey!, tampered);
      await expect(store.get(id)).rejects.toThrow(XComIntegrityError);
    });

    test('a tampered inline value is detected on read', async () => {
      const { store, engine } = ctx();
      const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'tamper', key: 'small' };
      await store.set({ ...id, value: { amount: 10 }, attempt: 1 });
      await engine.query(`update xcom.entries set inline_value = $1 where run_id = $2`, [
        Buffer.from('{"amount":99}'),
        id.runId,
      ]);
      await expect(store.get(id)).rejects.toThrow(/digest/i);
    });

    test('a row whose object is missing is an integrity error naming the object', async () => {
      const { store, objects } = ctx();
      const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'gone', key: 'big' };
      await store.set({ ...id, value: randomBytes(store.inlineThresholdBytes), attempt: 1 });
      const record = await store.get(id);
      await objects.delete(record!.objectKey!);
      await expect(store.get(id)).rejects.toThrow(new RegExp(`points at object .*missing`));
    });
  });
}
