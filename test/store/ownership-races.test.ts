// Commits of one task instance racing each other on a Postgres server: the interleavings a single PGlite session
// cannot produce. Each race is forced by holding one commit's transaction open and waiting, in pg_stat_activity,
// until the other commit is blocked on its lock.
import { createValueCodec } from '../../src/codec/value-codec';
import { quoteSchema } from '../../src/migrations/schema-name';
import { commitOneParams, commitOneStatement } from '../../src/store/commit-one-statement';
import { commitParams, commitStatement, attemptGroup } from '../../src/store/commit-statement';
import { resolveIdentity } from '../../src/store/identity';
import { prepareEntry } from '../../src/store/prepare-entry';
import type { XComStore } from '../../src/store/xcom-store';
import { gate } from '../helpers/gated-object-store';
import { storeForDescribe, uniqueRunId } from '../helpers/store-fixtures';
import { waitForLockWait } from './conformance-objects';
import { attemptOf } from './conformance-ownership';

let store: XComStore;
storeForDescribe('postgres', 'minio', (opened) => (store = opened));

/** The two commit functions: of a batch of attempts, and of one attempt alone (what the store sends for one). */
const STATEMENTS = {
  commit_attempts: (schema: string, group: ReturnType<typeof attemptGroup>) =>
    [commitStatement(schema), commitParams([group])] as const,
  commit_attempt: (schema: string, group: ReturnType<typeof attemptGroup>) =>
    [commitOneStatement(schema), commitOneParams(group)] as const,
};
type Statement = keyof typeof STATEMENTS;

/**
 * Runs attempt `attempt` (fence 1000 × attempt) of `runId`'s task through `statement` inside a transaction held open
 * until `hold` opens.
 */
async function heldCommit(statement: Statement, runId: string, attempt: number, values: Record<string, unknown>, hold: ReturnType<typeof gate>) {
  const codec = createValueCodec();
  const limits = { inlineThresholdBytes: store.inlineThresholdBytes, maxValueBytes: store.maxValueBytes };
  const entries = await Promise.all(
    Object.entries(values).map(async ([key, value]) => {
      const identity = resolveIdentity({ dagId: 'conformance_ownership', runId, taskId: 't', key });
      return (await prepareEntry(identity, value, codec, limits)).entry;
    }),
  );
  return store.engine.transaction(async (tx) => {
    const [sql, params] = STATEMENTS[statement](quoteSchema(store.schema), attemptGroup(entries, { attempt, fence: 1_000 * attempt }));
    const [outcome] = await tx.query<{ won: boolean[] | boolean }>(sql, params);
    await hold.arrive();
    const { won } = outcome!;
    return Array.isArray(won) ? won[0] : won;
  });
}

const keysOf = async (runId: string) =>
  Object.fromEntries(
    (await store.getMany({ dagIds: 'conformance_ownership', runId })).map((r) => [r.key, [r.value, r.attempt]]),
  );

describe.each(Object.keys(STATEMENTS) as Statement[])('task-instance ownership under concurrent commits (Postgres server), the held commit through %s', (statement) => {
  test('the previous owner commits while the retry waits for the instance: the retry still removes its keys', async () => {
    const runId = uniqueRunId();
    const hold = gate();
    const first = heldCommit(statement, runId, 1, { return_value: 1, extra: 'attempt 1 only' }, hold);
    await hold.reached; // attempt 1 has claimed the instance and written its keys, uncommitted
    const retry = store.commitAttempt(attemptOf(runId, 2, { return_value: 2 }));
    await waitForLockWait(store.engine, 'commit_attempt').finally(() => hold.open());
    expect(await first).toBe(true);
    expect(await retry).toMatchObject({ won: true, superseded: 1 });
    expect(await keysOf(runId)).toEqual({ return_value: [2, 2] });
  });

  test('a zombie waiting for the newer attempt\'s commit publishes nothing once it gets the lock', async () => {
    const runId = uniqueRunId();
    const hold = gate();
    const newer = heldCommit(statement, runId, 2, { return_value: 2 }, hold);
    await hold.reached;
    const zombie = store.commitAttempt(attemptOf(runId, 1, { return_value: 1, extra: 'zombie only' }));
    await waitForLockWait(store.engine, 'commit_attempt').finally(() => hold.open());
    expect(await newer).toBe(true);
    expect(await zombie).toMatchObject({ won: false, superseded: 0 });
    expect(await keysOf(runId)).toEqual({ return_value: [2, 2] });
  });

  test('twenty attempts with different key sets committing at once leave exactly the newest one\'s keys', async () => {
    const runId = uniqueRunId();
    const attempts = Array.from({ length: 20 }, (_, i) => i + 1);
    const keysFor = (attempt: number) =>
      Object.fromEntries(Array.from({ length: 1 + (attempt % 4) }, (_, k) => [`key_${(attempt + k) % 7}`, attempt]));
    const results = await Promise.all(attempts.map((a) => store.commitAttempt(attemptOf(runId, a, keysFor(a)))));
    expect(results[19]!.won).toBe(true);
    const expected = Object.fromEntries(Object.entries(keysFor(20)).map(([k, v]) => [k, [v, 20]]));
    expect(await keysOf(runId)).toEqual(expected);
    const [owner] = await store.engine.query<{ attempt: number; key_count: number }>(
      `select attempt, key_count from ${quoteSchema(store.schema)}.task_instances where run_id = $1`,
      [runId],
    );
    expect(owner).toEqual({ attempt: 20, key_count: Object.keys(keysFor(20)).length });
  });
});
