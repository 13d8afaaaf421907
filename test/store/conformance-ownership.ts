import { XComIdentityError } from '../../src/errors';
import type { AttemptCommit } from '../../src/store/types';
import { uniqueRunId } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';

const DAG = 'conformance_ownership';

/** An attempt of task instance `t` in `runId` publishing `values` (fence grows with the attempt unless given). */
export function attemptOf(runId: string, attempt: number, values: Record<string, unknown>, more: Partial<AttemptCommit> = {}): AttemptCommit {
  return {
    dagId: DAG,
    runId,
    taskId: 't',
    mapIndex: -1,
    attempt,
    fence: 1_000 * attempt,
    values: new Map(Object.entries(values)),
    ...more,
  };
}

export function describeOwnershipConformance(ctx: () => ConformanceContext): void {
  describe('task-instance ownership', () => {
    const keysOf = async (runId: string) => {
      const records = await ctx().store.getMany({ dagIds: DAG, runId, taskIds: 't' });
      return Object.fromEntries(records.map((r) => [r.key, [r.value, r.attempt]]));
    };

    test('a zombie attempt that commits after the retry publishes nothing, not even keys the retry did not push', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      const retry = await store.commitAttempt(attemptOf(runId, 2, { return_value: 'retry' }));
      expect(retry.won).toBe(true);
      const zombie = await store.commitAttempt(attemptOf(runId, 1, { return_value: 'zombie', extra: 'zombie only' }));
      expect(zombie.won).toBe(false);
      expect(zombie.entries.map((e) => e.written)).toEqual([false, false]);
      expect(await keysOf(runId)).toEqual({ return_value: ['retry', 2] });
      const ledger = await store.ledger({ dagId: DAG, runId });
      expect(ledger.map((l) => `${l.attempt}:${l.key}:${l.outcome}`)).toEqual([
        '2:return_value:written',
        '1:return_value:fenced',
        '1:extra:fenced',
      ]);
    });

    test('an attempt that committed and then died: the retry with a different key set leaves only its own keys', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { return_value: 1, extra: 'attempt 1 only' }));
      const retry = await store.commitAttempt(attemptOf(runId, 2, { return_value: 2, other: 'attempt 2 only' }));
      expect(retry).toMatchObject({ won: true, superseded: 1 });
      expect(await keysOf(runId)).toEqual({ return_value: [2, 2], other: ['attempt 2 only', 2] });
      const superseded = (await store.ledger({ dagId: DAG, runId })).filter((l) => l.outcome === 'superseded');
      expect(superseded.map((l) => `${l.attempt}:${l.key}`)).toEqual(['1:extra']);
    });

    test('a re-run of the task id (a later attempt 1) replaces the whole key set; an empty one clears it', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { return_value: 'first run', stale: 'first run only' }, { fence: 10 }));
      await store.commitAttempt(attemptOf(runId, 1, { return_value: 'second run' }, { fence: 20 }));
      expect(await keysOf(runId)).toEqual({ return_value: ['second run', 1] });
      const empty = await store.commitAttempt(attemptOf(runId, 1, {}, { fence: 30 }));
      expect(empty).toMatchObject({ won: true, superseded: 1, entries: [] });
      expect(await keysOf(runId)).toEqual({});
    });

    test('one attempt committing twice (the same fence) is idempotent', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { a: 1, b: 2 }));
      expect((await store.commitAttempt(attemptOf(runId, 1, { a: 1, b: 2 }))).won).toBe(true);
      expect(await keysOf(runId)).toEqual({ a: [1, 1], b: [2, 1] });
    });

    test('instances are independent: map indexes and tasks own their own key sets', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { k: 'map 0' }, { mapIndex: 0 }));
      await store.commitAttempt(attemptOf(runId, 1, { k: 'map 1' }, { mapIndex: 1 }));
      await store.commitAttempt(attemptOf(runId, 2, {}, { mapIndex: 0 }));
      const records = await store.getMany({ dagIds: DAG, runId });
      expect(records.map((r) => [r.mapIndex, r.value])).toEqual([[1, 'map 1']]);
    });

    test('keyed writes outside an attempt stay per key, and the next owner replaces them', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      await store.commitAttempt(attemptOf(runId, 1, { return_value: 'task' }));
      // A tool's write (attempt 0, fence 0) cannot replace the task's key, but may add one.
      expect((await store.set({ dagId: DAG, runId, taskId: 't', key: 'return_value', value: 'tool', attempt: 0 })).written).toBe(false);
      expect((await store.set({ dagId: DAG, runId, taskId: 't', key: 'note', value: 'tool', attempt: 0 })).written).toBe(true);
      expect(await keysOf(runId)).toEqual({ return_value: ['task', 1], note: ['tool', 0] });
      await store.commitAttempt(attemptOf(runId, 2, { return_value: 'retry' }));
      expect(await keysOf(runId)).toEqual({ return_value: ['retry', 2] });
    });

    test('bad fences, attempts, logical dates and lone surrogates are refused naming the field, before any write', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      const cases: [Partial<AttemptCommit>, RegExp, string][] = [
        [{ fence: Number.NaN }, /fence must be an integer 0\.\.9007199254740991 .* got NaN/, 'fence'],
        [{ fence: 2 ** 63 }, /fence must be an integer/, 'fence'],
        [{ fence: 1e20 }, /fence must be an integer/, 'fence'],
        [{ fence: -1 }, /fence must be an integer .* got -1/, 'fence'],
        [{ fence: 1.5 }, /fence must be an integer/, 'fence'],
        [{ attempt: -1 }, /attempt must be an integer 0\.\.2147483647, got -1/, 'attempt'],
        [{ logicalDate: new Date(Number.NaN) }, /logicalDate must be a valid Date, got an invalid Date/, 'logicalDate'],
        [{ taskId: 'a\ud800b' }, /task_id \(taskId\) is not well-formed Unicode: lone surrogate U\+D800 at position 1/, 'taskId'],
        [{ values: new Map([['a\udc00b', 1]]) }, /key \(key\) is not well-formed Unicode: lone surrogate U\+DC00/, 'key'],
      ];
      for (const [override, message, field] of cases) {
        const commit = attemptOf(runId, 1, { k: 1 }, override);
        const error = await store.commitAttempt(commit).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(XComIdentityError);
        expect((error as XComIdentityError).message).toMatch(message);
        expect((error as XComIdentityError).field).toBe(field);
      }
      // Keyed writes check the same.
      await expect(store.set({ dagId: DAG, runId, taskId: 't', key: 'k', value: 1, attempt: 1, fence: Number.NaN })).rejects.toThrow(/fence/);
      await expect(store.set({ dagId: DAG, runId, taskId: 't', key: 'a\ud800b', value: 1, attempt: 1 })).rejects.toThrow(/lone surrogate/);
      // 'a\ud800b' and 'a\udc00b' would both become 'a\ufffdb' in the database: neither may be stored.
      expect(await store.count({ dagIds: DAG, runId })).toBe(0);
      expect(await store.ledger({ dagId: DAG, runId })).toEqual([]);
    });
  });
}
