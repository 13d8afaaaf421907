// Exclusive XComs in the store's commit (sql/000009_exclusive.sql), on a real Postgres and on PGlite (the embedded
// default): a stored writer declaration refuses other tasks' commits; a consume removes the exact version read in the
// consuming attempt's commit, once, whatever the concurrency; a refused attempt commits nothing and fails alone.
import type { SqlEngine } from '../../src/engines/sql-engine';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { ConsumedVersion, ExclusiveDeclaration } from '../../src/store/exclusive/exclusive-declaration';
import { XComConsumedError, XComExclusiveWriterError } from '../../src/store/exclusive/exclusive-errors';
import type { AttemptCommit, XComRecord } from '../../src/store/types';
import { XComStore } from '../../src/store/xcom-store';
import { attemptGroup, commitParams, commitStatement } from '../../src/store/commit-statement';
import { resolveIdentity } from '../../src/store/identity';
import { prepareEntry } from '../../src/store/prepare-entry';
import { createValueCodec } from '../../src/codec/value-codec';
import { gate } from '../helpers/gated-object-store';
import { storeForDescribe, uniqueRunId, type EngineKind } from '../helpers/store-fixtures';
import { waitForLockWait } from './conformance-objects';

const DAG = 'exclusive_store';
let engine: SqlEngine;
let store: XComStore;

function openStoreOn(kind: EngineKind): void {
  storeForDescribe(kind, kind === 'postgres' ? 'minio' : 'directory', (opened) => {
    store = opened;
    engine = opened.engine;
  });
}

interface More {
  exclusive?: Record<string, ExclusiveDeclaration>;
  consumes?: readonly ConsumedVersion[];
  attempt?: number;
}

function attemptOf(runId: string, taskId: string, values: Record<string, unknown>, more: More = {}): AttemptCommit {
  const attempt = more.attempt ?? 1;
  return {
    dagId: DAG,
    runId,
    taskId,
    mapIndex: -1,
    attempt,
    fence: 1_000 * attempt,
    values: new Map(Object.entries(values)),
    ...(more.exclusive && { keyExclusive: new Map(Object.entries(more.exclusive)) }),
    ...(more.consumes && { consumes: more.consumes }),
  };
}

const versionOf = (r: XComRecord): ConsumedVersion => ({ dagId: r.dagId, runId: r.runId, taskId: r.taskId, mapIndex: r.mapIndex, key: r.key, digest: r.digest, fence: r.fence });

async function entry(runId: string, taskId: string, key: string): Promise<XComRecord | undefined> {
  return store.get({ dagId: DAG, runId, taskId, key });
}

async function ledgerOutcomes(runId: string, taskId: string, key: string): Promise<string[]> {
  return (await store.ledger({ dagId: DAG, runId, taskId, key })).map((l) => l.outcome);
}

async function consumeAudit(runId: string): Promise<{ reader: string; entry: string }[]> {
  return engine.query(
    `select reader_task_id || '#' || reader_attempt as reader, task_id || '/' || key as entry
       from ${quoteSchema(store.schema)}.audit where action = 'consume' and run_id = $1 order by id`,
    [runId],
  );
}

async function settle<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

describe.each<EngineKind>(['postgres', 'pglite'])('exclusive XComs in the commit (%s)', (kind) => {
  openStoreOn(kind);

  test('write isolation: a key declared exclusive is refused to another task (push or result), naming key, owner and writer; nothing of it is committed', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'login', { token: 't-1' }, { exclusive: { token: { writer: 'login' } } }));
    expect((await entry(runId, 'login', 'token'))?.exclusiveWriter).toBe('login');

    const refused = store.commitAttempt(attemptOf(runId, 'intruder', { token: 'forged', return_value: 'done' }));
    await expect(refused).rejects.toThrow(XComExclusiveWriterError);
    await expect(refused).rejects.toThrow(/key 'token' .* is exclusive to task 'login'; task 'intruder' may not write it/);
    expect(await entry(runId, 'intruder', 'token')).toBeUndefined();
    expect(await entry(runId, 'intruder', 'return_value')).toBeUndefined();
    expect(await ledgerOutcomes(runId, 'intruder', 'token')).toEqual([]);

    // The owner itself may rewrite it (a retry), and another task may write other keys.
    await expect(store.commitAttempt(attemptOf(runId, 'login', { token: 't-2' }, { attempt: 2, exclusive: { token: { writer: 'login' } } }))).resolves.toMatchObject({ won: true });
    await expect(store.commitAttempt(attemptOf(runId, 'intruder', { other: 1 }))).resolves.toMatchObject({ won: true });
  });

  test('a task cannot declare a key exclusive that another task already wrote in the run', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'first', { shared: 1 }));
    await expect(store.commitAttempt(attemptOf(runId, 'second', { shared: 2 }, { exclusive: { shared: { writer: 'second' } } }))).rejects.toThrow(
      /key 'shared' .* cannot become exclusive to task 'second': task 'first' already wrote it/,
    );
  });

  test('readers are stored with the entry', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'p', { secret: 's' }, { exclusive: { secret: { readers: ['c1', 'c2'] } } }));
    expect(await entry(runId, 'p', 'secret')).toMatchObject({ exclusiveWriter: null, exclusiveReaders: ['c1', 'c2'] });
  });

  test('consume: twelve attempts of different consumers consume one entry at once; exactly one commits, the others commit nothing', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'producer', { job: { id: 1 } }));
    const version = versionOf((await entry(runId, 'producer', 'job'))!);
    const results = await settle(
      Array.from({ length: 12 }, (_, i) => store.commitAttempt(attemptOf(runId, `consumer_${i}`, { return_value: i }, { consumes: [version] }))),
    );
    const ok = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(ok).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(XComConsumedError);
    expect(await entry(runId, 'producer', 'job')).toBeUndefined();
    // Refused consumers committed nothing: not even their own return value.
    const returns = await store.getMany({ dagIds: DAG, runId, key: 'return_value' });
    expect(returns.map((r) => r.taskId)).toEqual([`consumer_${ok[0]}`]);
    expect(await ledgerOutcomes(runId, 'producer', 'job')).toEqual(['written', 'consumed']);
    expect(await consumeAudit(runId)).toEqual([{ reader: `consumer_${ok[0]}#1`, entry: 'producer/job' }]);
  });

  test('consume across separate committers (concurrent transactions): each of 6 entries goes to exactly one of 8 consumers', async () => {
    const runId = uniqueRunId();
    const values = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`item_${i}`, { item: i }]));
    await store.commitAttempt(attemptOf(runId, 'producer', values));
    const versions = (await store.getMany({ dagIds: DAG, runId, taskIds: 'producer' })).map(versionOf);
    // One store per consumer over the same engine: no shared group commit, so their transactions really race.
    const stores = Array.from({ length: 8 }, () => new XComStore({ engine, objectStore: store.objectStore }));
    const won = new Map<string, string>();
    await Promise.all(
      stores.map(async (own, c) => {
        const order = c % 2 === 0 ? versions : [...versions].reverse();
        for (const [i, version] of order.entries()) {
          const done = await own.commitAttempt(attemptOf(runId, `consumer_${c}`, {}, { consumes: [version], attempt: i + 1 })).then(
            () => true,
            (err: unknown) => (expect(err).toBeInstanceOf(XComConsumedError), false),
          );
          if (done) {
            expect(won.has(version.key)).toBe(false);
            won.set(version.key, `consumer_${c}`);
          }
        }
      }),
    );
    expect([...won.keys()].sort()).toEqual(Object.keys(values).sort());
    expect(await store.getMany({ dagIds: DAG, runId, taskIds: 'producer' })).toEqual([]);
    const consumed = await consumeAudit(runId);
    expect(consumed.map((c) => c.entry).sort()).toEqual(Object.keys(values).map((k) => `producer/${k}`).sort());
  });

  test('group commit: attempts refused in a shared statement fail alone; the others in the batch commit', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'producer', { a: 1, b: 2 }));
    const a = versionOf((await entry(runId, 'producer', 'a'))!);
    const b = versionOf((await entry(runId, 'producer', 'b'))!);
    // Submitted together: the first goes alone, the rest share the next statement.
    const results = await settle([
      store.commitAttempt(attemptOf(runId, 'warmup', { x: 0 })),
      store.commitAttempt(attemptOf(runId, 'c1', { x: 1 }, { consumes: [a] })),
      store.commitAttempt(attemptOf(runId, 'c2', { x: 2 }, { consumes: [a, b] })),
      store.commitAttempt(attemptOf(runId, 'c3', { x: 3 }, { consumes: [b] })),
      store.commitAttempt(attemptOf(runId, 'plain', { x: 4 })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(XComConsumedError);
    expect((await store.getMany({ dagIds: DAG, runId, key: 'x' })).map((r) => r.taskId).sort()).toEqual(['c1', 'c3', 'plain', 'warmup']);
    expect(await store.getMany({ dagIds: DAG, runId, taskIds: 'producer' })).toEqual([]);
  });

  test('a consume of a version that was replaced is refused; the new version stays', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'producer', { job: 'v1' }));
    const old = versionOf((await entry(runId, 'producer', 'job'))!);
    await store.commitAttempt(attemptOf(runId, 'producer', { job: 'v2' }, { attempt: 2 }));
    await expect(store.commitAttempt(attemptOf(runId, 'consumer', {}, { consumes: [old] }))).rejects.toThrow(
      /key 'job' of task 'producer' in .* was consumed by another attempt \(or replaced\)/,
    );
    expect((await entry(runId, 'producer', 'job'))?.value).toBe('v2');
  });

  test('a consumer attempt that loses its claim to a newer attempt of its task consumes nothing', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'producer', { job: 'v1' }));
    const version = versionOf((await entry(runId, 'producer', 'job'))!);
    await store.commitAttempt(attemptOf(runId, 'consumer', {}, { attempt: 3 }));
    await expect(store.commitAttempt(attemptOf(runId, 'consumer', {}, { attempt: 2, consumes: [version] }))).resolves.toMatchObject({ won: false });
    expect((await entry(runId, 'producer', 'job'))?.value).toBe('v1');
  });

  test('the previous commit_attempts signature still commits, and fails a commit that write isolation refuses', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'login', { token: 't' }, { exclusive: { token: { writer: 'login' } } }));
    const call = (taskId: string, key: string) =>
      engine.query<{ won: boolean[] }>(
        `select won from ${quoteSchema(store.schema)}.commit_attempts($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
           $16, $17, $18, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')`,
        [[DAG], [runId], [taskId], [-1], [1], [1], [null], [null], [null], [1], [key], [1], [1], ['d'.repeat(64)], ['json'], [Buffer.from('1')], [null], [null]],
      );
    expect((await call('old_worker', 'fine'))[0]!.won).toEqual([true]);
    // Workers of that version took won = false for a fenced attempt and completed the task without its keys
    // (sql/000011_refusals_fail_old_workers.sql): the call fails instead, naming the refusal and what to upgrade.
    const refused = call('old_worker', 'token');
    await expect(refused).rejects.toThrow(/refused by write isolation \(.*"owner": ?"login".*\); nothing of it was stored/);
    await expect(refused).rejects.toMatchObject({ hint: expect.stringMatching(/upgrade temporal-xcom/) });
    expect(await entry(runId, 'old_worker', 'token')).toBeUndefined();
    expect((await call('old_worker', 'fine'))[0]!.won).toEqual([true]);
  });
});

describe('exclusive XComs under concurrent commits (Postgres server)', () => {
  openStoreOn('postgres');

  /** Task `taskId` commits `values` in a transaction held open (uncommitted) until `hold` opens. */
  async function heldCommit(runId: string, taskId: string, values: Record<string, unknown>, hold: ReturnType<typeof gate>, exclusive?: Record<string, ExclusiveDeclaration>) {
    const limits = { inlineThresholdBytes: store.inlineThresholdBytes, maxValueBytes: store.maxValueBytes };
    const entries = await Promise.all(
      Object.entries(values).map(async ([key, value]) => (await prepareEntry(resolveIdentity({ dagId: DAG, runId, taskId, key }), value, createValueCodec(), limits)).entry),
    );
    const group = attemptGroup(entries, { attempt: 1, fence: 1_000 }, undefined, [], exclusive ? { exclusive: new Map(Object.entries(exclusive)) } : {});
    return store.engine.transaction(async (tx) => {
      const [outcome] = await tx.query<{ refusals: (string | null)[] }>(commitStatement(quoteSchema(store.schema)), commitParams([group]));
      await hold.arrive();
      return outcome!.refusals[0];
    });
  }

  test('a task declaring a key its own waits for another task\'s uncommitted write of it, then is refused', async () => {
    const runId = uniqueRunId();
    const hold = gate();
    const plain = heldCommit(runId, 'plain', { shared: 1 }, hold);
    await hold.reached; // 'plain' wrote the key and holds its (shared) bucket lock, uncommitted
    const declaring = store.commitAttempt(attemptOf(runId, 'owner', { shared: 2 }, { exclusive: { shared: { writer: 'owner' } } }));
    // Attached now: the refusal may come before the held transaction's own result is read.
    const refused = expect(declaring).rejects.toThrow(/cannot become exclusive to task 'owner': task 'plain' already wrote it/);
    await waitForLockWait(store.engine, 'commit_attempt').finally(() => hold.open());
    expect(await plain).toBeNull();
    await refused;
  });

  test('a writer waits for an uncommitted declaration of the key by another task, then is refused', async () => {
    const runId = uniqueRunId();
    const hold = gate();
    const owner = heldCommit(runId, 'owner', { shared: 1 }, hold, { shared: { writer: 'owner' } });
    await hold.reached;
    const writer = store.commitAttempt(attemptOf(runId, 'plain', { shared: 2 }));
    const refused = expect(writer).rejects.toThrow(/key 'shared' .* is exclusive to task 'owner'; task 'plain' may not write it/);
    await waitForLockWait(store.engine, 'commit_attempt').finally(() => hold.open());
    expect(await owner).toBeNull();
    await refused;
  });

  test('a consumer waits for another consumer\'s uncommitted consume of the entry, then is refused', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'producer', { job: 'j' }));
    const version = versionOf((await entry(runId, 'producer', 'job'))!);
    const hold = gate();
    const first = store.engine.transaction(async (tx) => {
      const group = attemptGroup([], { attempt: 1, fence: 1_000 }, { dagId: DAG, runId, taskId: 'first', mapIndex: -1 }, [], { consumes: [version] });
      const [outcome] = await tx.query<{ refusals: (string | null)[] }>(commitStatement(quoteSchema(store.schema)), commitParams([group]));
      await hold.arrive();
      return outcome!.refusals[0];
    });
    await hold.reached;
    const second = store.commitAttempt(attemptOf(runId, 'second', {}, { consumes: [version] }));
    const refused = expect(second).rejects.toThrow(XComConsumedError);
    await waitForLockWait(store.engine, 'commit_attempt').finally(() => hold.open());
    expect(await first).toBeNull();
    await refused;
    expect(await ledgerOutcomes(runId, 'producer', 'job')).toEqual(['written', 'consumed']);
  });
});
