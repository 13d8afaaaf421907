import { randomBytes } from 'node:crypto';
import { XComConfigError, XComIdentityError } from '../../src/errors';
import { LazyXComSequence, pullMapped, type PullCaller } from '../../src/pull';
import type { XComWrite } from '../../src/store/types';
import { XComStore } from '../../src/store/xcom-store';
import { openEngine, openObjectStore, uniqueRunId } from '../helpers/store-fixtures';
import { countingBackend } from './counting-backend';

/** Lazy mapped results against a real store: positions, slices and batched iteration without loading everything. */
describe('LazyXComSequence', () => {
  const released: (() => Promise<void>)[] = [];
  let store: XComStore;
  const dagId = `lazy_${randomBytes(3).toString('hex')}`;
  const runId = uniqueRunId('lazy');
  const caller: PullCaller = { dagId, runId, taskId: 'reduce', mapIndex: -1 };
  const WIDE = 250;
  const wide = Array.from({ length: WIDE }, (_, i) => `v${i}`);

  const mappedWrite = (taskId: string, mapIndex: number, value: unknown, key = 'return_value'): XComWrite => ({
    dagId,
    runId,
    taskId,
    mapIndex,
    key,
    value,
    attempt: 1,
  });

  beforeAll(async () => {
    const engine = await openEngine('postgres');
    const objects = await openObjectStore('directory');
    released.push(objects.release, engine.release);
    // A low inline threshold: the long values below go to the object store, and must come back through it.
    store = new XComStore({ engine: engine.value, objectStore: objects.value, inlineThresholdBytes: 64 });
    await store.commit(wide.map((value, i) => mappedWrite('wide', i, value)));
    await store.commit([
      // Instance 2 returned null, so it has no row; the unmapped row and other keys are not part of the sequence.
      ...[0, 1, 3, 4].map((i) => mappedWrite('holes', i, `h${i}`)),
      mappedWrite('holes', -1, 'unmapped'),
      mappedWrite('holes', 0, 'other key', 'other'),
      ...[0, 1, 2].map((i) => mappedWrite('big', i, `${i}`.repeat(500))),
    ]);
  });

  afterAll(async () => {
    for (const release of released) await release();
  });

  const sequence = <T = string>(taskId: string, batchSize?: number) =>
    pullMapped<T>(store, caller, { taskId, ...(batchSize !== undefined && { batchSize }) });

  test('length counts the mapped rows only', async () => {
    expect(await sequence('wide').length()).toBe(WIDE);
    expect(await sequence('holes').length()).toBe(4);
    expect(await sequence('nothing').length()).toBe(0);
  });

  test('at: positions from the start and from the end', async () => {
    const seq = sequence('wide');
    expect(await seq.at(0)).toBe('v0');
    expect(await seq.at(123)).toBe('v123');
    expect(await seq.at(WIDE - 1)).toBe('v249');
    expect(await seq.at(-1)).toBe('v249');
    expect(await seq.at(-WIDE)).toBe('v0');
  });

  test('at: out of range is a RangeError naming the index and the length', async () => {
    const seq = sequence('wide');
    await expect(seq.at(WIDE)).rejects.toThrow(RangeError);
    await expect(seq.at(WIDE)).rejects.toThrow(/index 250 is out of range .*task=wide.*length is 250 \(valid indexes -250\.\.249\)/);
    await expect(seq.at(-WIDE - 1)).rejects.toThrow(/index -251 is out of range/);
    await expect(sequence('nothing').at(0)).rejects.toThrow(/index 0 is out of range .*length is 0$/);
    await expect(seq.at(1.5)).rejects.toThrow(TypeError);
  });

  test('a mapped instance with no row takes no position', async () => {
    const seq = sequence('holes');
    expect(await seq.toArray()).toEqual(['h0', 'h1', 'h3', 'h4']);
    expect(await seq.at(2)).toBe('h3');
    expect(await seq.at(-1)).toBe('h4');
    expect(await seq.slice(1, 3)).toEqual(['h1', 'h3']);
  });

  test.each<[string, number | undefined, number | undefined, string[]]>([
    ['a window', 10, 13, ['v10', 'v11', 'v12']],
    ['from a position to the end', 247, undefined, ['v247', 'v248', 'v249']],
    ['from the start', undefined, 2, ['v0', 'v1']],
    ['the last three', -3, undefined, ['v247', 'v248', 'v249']],
    ['negative stop', 245, -3, ['v245', 'v246']],
    ['both negative', -4, -2, ['v246', 'v247']],
    ['start before the beginning is clamped', -300, 2, ['v0', 'v1']],
    ['stop past the end is clamped', 248, 1000, ['v248', 'v249']],
    ['stop before start is empty', 5, 2, []],
    ['start past the end is empty', 300, undefined, []],
  ])('slice: %s', async (_name, start, stop, expected) => {
    expect(await sequence('wide').slice(start, stop)).toEqual(expected);
  });

  test('slice with no bounds is everything', async () => {
    expect(await sequence('wide').slice()).toEqual(wide);
  });

  test('async iteration reads in batches across batch boundaries', async () => {
    const counted = countingBackend(store);
    const seq = pullMapped<string>(counted.store, caller, { taskId: 'wide' });
    const seen: string[] = [];
    for await (const value of seq) seen.push(value);
    expect(seen).toEqual(wide);
    // 100 + 100 + 50: the short batch ends the iteration.
    expect(counted.calls).toEqual({ mapped: 3 });

    counted.reset();
    const small: string[] = [];
    for await (const value of pullMapped<string>(counted.store, caller, { taskId: 'holes', batchSize: 3 })) small.push(value);
    expect(small).toEqual(['h0', 'h1', 'h3', 'h4']);
    expect(counted.calls).toEqual({ mapped: 2 });
  });

  test('breaking out of iteration stops reading', async () => {
    const counted = countingBackend(store);
    for await (const value of pullMapped<string>(counted.store, caller, { taskId: 'wide', batchSize: 10 })) {
      if (value === 'v15') break;
    }
    expect(counted.calls).toEqual({ mapped: 2 });
    expect(counted.rowsFetched).toBe(20);
  });

  test('at(200) reads one row, not the whole sequence', async () => {
    const counted = countingBackend(store);
    const seq = pullMapped<string>(counted.store, caller, { taskId: 'wide' });
    expect(await seq.at(200)).toBe('v200');
    expect(counted.rowsFetched).toBe(1);
    expect(counted.calls).toEqual({ mapped: 1 });

    counted.reset();
    expect(await seq.at(-50)).toBe('v200');
    expect(counted.rowsFetched).toBe(1);
    expect(counted.calls).toEqual({ count: 1, mapped: 1 });

    counted.reset();
    expect(await seq.slice(200, 203)).toEqual(['v200', 'v201', 'v202']);
    expect(counted.rowsFetched).toBe(3);
  });

  test('values kept in the object store come back', async () => {
    const seq = sequence('big');
    expect((await seq.toArray()).map((v) => v.length)).toEqual([500, 500, 500]);
    expect(await seq.at(-1)).toBe('2'.repeat(500));
  });

  test('an empty sequence', async () => {
    const seq = sequence('nothing');
    expect(await seq.toArray()).toEqual([]);
    expect(await seq.slice(-5)).toEqual([]);
    const seen: unknown[] = [];
    for await (const value of seq) seen.push(value);
    expect(seen).toEqual([]);
  });

  test('pullMapped defaults to return_value in the caller’s run, and reads another key, DAG or run', async () => {
    expect(await pullMapped(store, caller, { taskId: 'holes', key: 'other' }).toArray()).toEqual(['other key']);
    expect(await pullMapped(store, caller, { taskId: 'holes', runId: 'no-such-run' }).length()).toBe(0);
    expect(await pullMapped(store, caller, { taskId: 'holes', dagId: `${dagId}_x` }).length()).toBe(0);
    const seq = new LazyXComSequence(store, { dagId, runId, taskId: 'holes', key: 'return_value' });
    expect(await seq.length()).toBe(4);
  });

  test('malformed scope or options are rejected up front, naming the field', () => {
    expect(() => pullMapped(store, caller, { taskId: '' })).toThrow(XComIdentityError);
    expect(() => pullMapped(store, caller, { taskId: '' })).toThrow(/task_id \(taskId\)/);
    expect(() => pullMapped(store, caller, { taskId: 't', key: '' })).toThrow(/key \(key\)/);
    expect(() => pullMapped(store, caller, { taskId: 't', batchSize: 0 })).toThrow(XComConfigError);
  });

  test('the store rejects a bad window', async () => {
    const scope = { dagId, runId, taskId: 'wide', key: 'return_value' };
    await expect(store.mapped(scope, { offset: -1 })).rejects.toThrow(/offset must be an integer >= 0, got -1/);
    await expect(store.mapped(scope, { limit: 1.5 })).rejects.toThrow(/limit must be an integer >= 0/);
    expect(await store.mapped(scope, { limit: 0 })).toEqual([]);
  });
});
