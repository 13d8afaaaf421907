import { randomBytes } from 'node:crypto';
import { XComIdentityError, XComSerializationError } from '../../src/errors';
import type { ObjectStore } from '../../src/objects/object-store';
import { objectPrefixFor } from '../../src/objects/object-key';
import { uniqueRunId } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';

const DAG = 'conformance_writes';

async function objectKeysUnder(objects: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of objects.list(prefix)) keys.push(info.key);
  return keys;
}

export function describeWriteConformance(ctx: () => ConformanceContext): void {
  describe('writes', () => {
    test('fencing: an older attempt never overwrites a newer one; the ledger shows both', async () => {
      const { store } = ctx();
      const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'fenced', key: 'return_value' };
      expect((await store.set({ ...id, value: 'attempt 2', attempt: 2 })).written).toBe(true);
      expect((await store.set({ ...id, value: 'zombie attempt 1', attempt: 1 })).written).toBe(false);
      expect((await store.get(id))?.value).toBe('attempt 2');
      expect((await store.set({ ...id, value: 'attempt 2 again', attempt: 2 })).written).toBe(true);
      expect((await store.set({ ...id, value: 'attempt 3', attempt: 3 })).written).toBe(true);
      const record = await store.get(id);
      expect(record?.value).toBe('attempt 3');
      expect(record?.attempt).toBe(3);
      const ledger = await store.ledger(id);
      expect(ledger.map((l) => [l.attempt, l.outcome])).toEqual([
        [2, 'written'],
        [1, 'fenced'],
        [2, 'written'],
        [3, 'written'],
      ]);
    });

    test('a fenced write of a large value leaves no object behind once swept', async () => {
      const { store, objects } = ctx();
      const id = { dagId: DAG, runId: uniqueRunId(), taskId: 'fenced_big', key: 'return_value' };
      const big = () => randomBytes(store.inlineThresholdBytes + 10);
      await store.set({ ...id, value: big(), attempt: 3 });
      await store.set({ ...id, value: big(), attempt: 2 });
      await store.set({ ...id, value: big(), attempt: 4 });
      await store.sweepObjects({ graceMs: 0 });
      const keys = await objectKeysUnder(objects, objectPrefixFor(id));
      expect(keys).toEqual([(await store.get(id))!.objectKey]);
    });

    test('a batch commits all of its entries together', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      const writes = Array.from({ length: 50 }, (_, i) => ({
        dagId: DAG,
        runId,
        taskId: 'batch',
        mapIndex: i,
        key: 'return_value',
        value: i % 10 === 0 ? randomBytes(store.inlineThresholdBytes) : { i },
        attempt: 1,
      }));
      const results = await store.commit(writes);
      expect(results.every((r) => r.written)).toBe(true);
      expect(await store.count({ dagIds: DAG, runId })).toBe(50);
    });

    test('a batch that fails serializing midway leaves nothing, not even objects', async () => {
      const { store, objects } = ctx();
      const runId = uniqueRunId();
      const writes = [
        { dagId: DAG, runId, taskId: 'a', key: 'k', value: 1, attempt: 1 },
        { dagId: DAG, runId, taskId: 'b', key: 'k', value: randomBytes(store.inlineThresholdBytes * 2), attempt: 1 },
        { dagId: DAG, runId, taskId: 'c', key: 'k', value: { rows: [{ fn: () => 1 }] }, attempt: 1 },
      ];
      await expect(store.commit(writes)).rejects.toThrow(XComSerializationError);
      await expect(store.commit(writes)).rejects.toThrow('$.rows[0].fn');
      expect(await store.count({ dagIds: DAG, runId })).toBe(0);
      expect(await objectKeysUnder(objects, objectPrefixFor({ dagId: DAG, runId }))).toEqual([]);
    });

    test('a batch whose object upload fails midway leaves no row; the sweep removes the objects that made it', async () => {
      const { objects, storeWith } = ctx();
      let puts = 0;
      const failingSecondPut: ObjectStore = {
        description: objects.description,
        put: async (key, body) => {
          puts += 1;
          if (puts === 2) throw new Error('injected upload failure');
          await objects.put(key, body);
        },
        get: (key) => objects.get(key),
        exists: (key) => objects.exists(key),
        delete: (key) => objects.delete(key),
        list: (prefix) => objects.list(prefix),
        close: async () => undefined,
      };
      const store = storeWith({ objectStore: failingSecondPut, objectConcurrency: 1 });
      const runId = uniqueRunId();
      const writes = ['a', 'b', 'c'].map((taskId) => ({
        dagId: DAG,
        runId,
        taskId,
        key: 'k',
        value: randomBytes(store.inlineThresholdBytes),
        attempt: 1,
      }));
      await expect(store.commit(writes)).rejects.toThrow('injected upload failure');
      expect(await store.count({ dagIds: DAG, runId })).toBe(0);
      await ctx().store.sweepObjects({ graceMs: 0 });
      expect(await objectKeysUnder(objects, objectPrefixFor({ dagId: DAG, runId }))).toEqual([]);
    });

    test('the same entry twice in one batch is refused before anything is written', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      const write = { dagId: DAG, runId, taskId: 'twice', key: 'k', value: 1, attempt: 1 };
      await expect(store.commit([write, write])).rejects.toThrow(/appears twice in one commit/);
      expect(await store.count({ dagIds: DAG, runId })).toBe(0);
    });

    test('delete removes the row (the sweep its object); clear removes a task, then a run', async () => {
      const { store, objects } = ctx();
      const runId = uniqueRunId();
      const big = randomBytes(store.inlineThresholdBytes);
      await store.commit([
        { dagId: DAG, runId, taskId: 'one', key: 'big', value: big, attempt: 1 },
        { dagId: DAG, runId, taskId: 'one', key: 'small', value: 1, attempt: 1 },
        { dagId: DAG, runId, taskId: 'two', mapIndex: 0, key: 'k', value: 1, attempt: 1 },
        { dagId: DAG, runId, taskId: 'two', mapIndex: 1, key: 'k', value: 2, attempt: 1 },
        { dagId: DAG, runId, taskId: 'three', key: 'k', value: 3, attempt: 1 },
      ]);
      const bigKey = (await store.get({ dagId: DAG, runId, taskId: 'one', key: 'big' }))!.objectKey!;
      expect(await store.delete({ dagId: DAG, runId, taskId: 'one', key: 'big' })).toBe(true);
      expect(await store.delete({ dagId: DAG, runId, taskId: 'one', key: 'big' })).toBe(false);
      expect(await objects.exists(bigKey)).toBe(true);
      await store.sweepObjects({ graceMs: 0 });
      expect(await objects.exists(bigKey)).toBe(false);
      expect(await store.clear({ dagId: DAG, runId, taskId: 'two', mapIndex: 1 })).toBe(1);
      expect(await store.clear({ dagId: DAG, runId, taskId: 'two' })).toBe(1);
      expect(await store.count({ dagIds: DAG, runId })).toBe(2);
      expect(await store.clear({ dagId: DAG, runId })).toBe(2);
      expect(await store.count({ dagIds: DAG, runId })).toBe(0);
      const ledger = await store.ledger({ dagId: DAG, runId });
      expect(ledger.filter((l) => l.outcome === 'deleted')).toHaveLength(5);
    });

    test('identities are validated and named: empty key, long ids, bad map index, bad attempt', async () => {
      const { store } = ctx();
      const base = { dagId: DAG, runId: uniqueRunId(), taskId: 't', key: 'k', value: 1, attempt: 1 };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ key: '' }, /key \(key\) must be a non-empty string. Received: ''/],
        [{ taskId: '' }, /task_id \(taskId\) must be a non-empty string/],
        [{ dagId: 'd'.repeat(251) }, /dag_id \(dagId\) is 251 characters long; the limit is 250/],
        [{ key: 'k'.repeat(513) }, /key \(key\) is 513 characters long; the limit is 512/],
        [{ runId: 'bad\u0000id' }, /run_id \(runId\) contains control character U\+0000/],
        [{ mapIndex: -2 }, /map_index \(mapIndex\) must be -1 \(unmapped\) or an integer/],
        [{ mapIndex: 1.5 }, /map_index/],
        [{ attempt: -1 }, /attempt must be an integer 0\.\.2147483647, got -1/],
        [{ taskId: 42 }, /task_id \(taskId\) must be a string, got 42/],
      ];
      for (const [override, message] of cases) {
        const write: typeof base = { ...base, ...override };
        await expect(store.set(write)).rejects.toThrow(XComIdentityError);
        await expect(store.set(write)).rejects.toThrow(message);
      }
      await expect(store.get({ ...base, key: '' })).rejects.toThrow(/non-empty/);
      await expect(store.getMany({ key: '' })).rejects.toThrow(/non-empty/);
      expect(await store.count({ dagIds: DAG, runId: base.runId })).toBe(0);
    });
  });
}
