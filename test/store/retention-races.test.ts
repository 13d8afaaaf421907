// A purge and a DAG committing at the same time on a Postgres server: the purge's batches lock and delete old runs
// while commits to other runs go on; nothing of those runs is lost.
import type { XComStore } from '../../src/store/xcom-store';
import { storeForDescribe, uniqueRunId } from '../helpers/store-fixtures';

let store: XComStore;
storeForDescribe('postgres', 'minio', (opened) => (store = opened));

const DAY = 86_400_000;
const DAG = 'purge_race';

describe('purge beside a committing DAG (Postgres server)', () => {
  test('a purge running while tasks commit to other runs loses none of their entries', async () => {
    const old = Array.from({ length: 120 }, () => uniqueRunId('old'));
    for (const runId of old) {
      await store.commitAttempt({
        dagId: DAG, runId, taskId: 't', attempt: 1, fence: 1,
        logicalDate: new Date(Date.now() - 30 * DAY),
        values: new Map<string, unknown>([['return_value', runId], ['extra', 1]]),
      });
    }
    const fresh = Array.from({ length: 6 }, () => uniqueRunId('new'));
    let purgeDone = false;
    const purge = store.purge({ olderThan: '7 days', dagIds: DAG, batchSize: 3 }).finally(() => (purgeDone = true));
    // Commit task after task to the fresh runs until the purge has finished (and at least 60 commits).
    const written: string[] = [];
    for (let i = 0; !purgeDone || i < 60; i++) {
      const runId = fresh[i % fresh.length]!;
      const taskId = `task_${i}`;
      const outcome = await store.commitAttempt({
        dagId: DAG, runId, taskId, attempt: 1, fence: 1, logicalDate: new Date(),
        values: new Map<string, unknown>([['return_value', `${runId}/${taskId}`], ['pushed', i]]),
      });
      expect(outcome.won).toBe(true);
      written.push(`${runId}/${taskId}`);
    }
    const result = await purge;
    expect(result).toMatchObject({ runs: old.length, entries: 2 * old.length });
    const left = await store.getMany({ dagIds: DAG, key: 'return_value' });
    expect(left.map((e) => e.value as string).sort()).toEqual([...written].sort());
    expect(await store.count({ dagIds: DAG })).toBe(2 * written.length);
    expect((await store.listRuns({ dagId: DAG, limit: 100 })).runs.map((r) => r.runId).sort()).toEqual([...fresh].sort());
  });
});
