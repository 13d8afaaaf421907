// store.set of one entry runs set_entry (sql/000010_set_function.sql); several entries run the keyed batch
// statement. The same writes through either must leave the same rows: run, entry, ledger, outbox.
import { createValueCodec } from '../../src/codec/value-codec';
import type { SqlEngine } from '../../src/engines/sql-engine';
import { resolveIdentity } from '../../src/store/identity';
import { keyedCommitParams, keyedCommitStatement, type KeyedEntry } from '../../src/store/keyed-commit-statement';
import { prepareEntry } from '../../src/store/prepare-entry';
import { keepUntilFor } from '../../src/store/retention/retention-class';
import { setEntryParams, setEntryStatement } from '../../src/store/set-entry-statement';
import { SubscriptionStore } from '../../src/subscriptions/subscription-store';
import { resolveWaitTarget } from '../../src/subscriptions/wait-target';
import { XComStore } from '../../src/store/xcom-store';
import type { XComWrite } from '../../src/store/types';
import { openEngine, openObjectStore, uniqueRunId, type EngineKind, type Opened } from '../helpers/store-fixtures';

const DAG = 'set_entry_dag';

/** A write of `taskId` in `runId`; `at` a logical date, when given. */
function write(runId: string, taskId: string, attempt: number, value: unknown, at?: string): XComWrite {
  return { dagId: DAG, runId, taskId, key: 'return_value', value, attempt, logicalDate: at ? new Date(at) : undefined };
}

/**
 * The sequence both paths run: a first write dating the run, a fenced zombie, a retry, a write with another date
 * (the first one sticks), a second task.
 */
function sequence(runId: string): XComWrite[] {
  return [
    write(runId, 'a', 2, { n: 1 }, '2024-03-01T00:00:00Z'),
    write(runId, 'a', 1, { zombie: true }),
    write(runId, 'a', 2, { n: 2 }),
    write(runId, 'a', 3, { n: 3 }, '2030-01-01T00:00:00Z'),
    write(runId, 'b', 1, 'b'),
  ];
}

/** What the writes of a run left, without what differs by construction (run ids, ids, clocks). */
async function rowsOf(engine: SqlEngine, runId: string) {
  const runs = await engine.query(`select logical_date from xcom.dag_runs where dag_id = $1 and run_id = $2`, [DAG, runId]);
  const entries = await engine.query(
    `select task_id, map_index, key, attempt, fence, temporal_run_id, activity_type, size_bytes, stored_bytes, digest,
            encoding, inline_value, object_key, keep_until, run_date = coalesce(r.logical_date, r.created_at) as dated
       from xcom.entries e join xcom.dag_runs r using (dag_id, run_id)
      where dag_id = $1 and run_id = $2 order by task_id`,
    [DAG, runId],
  );
  const ledger = await engine.query(
    `select task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes, object_key, outcome
       from xcom.ledger where dag_id = $1 and run_id = $2 order by id`,
    [DAG, runId],
  );
  const outbox = await engine.query(
    `select s.wait_id like 'exact-%' as exact, o.task_id, o.map_index, o.key, o.digest, o.size_bytes, o.status
       from xcom.outbox o join xcom.subscriptions s on s.id = o.subscription_id
      where o.dag_id = $1 and o.run_id = $2 order by o.id`,
    [DAG, runId],
  );
  return { runs, entries, ledger, outbox };
}

describe.each<EngineKind>(['pglite', 'postgres'])('set_entry on %s', (kind) => {
  let engine: Opened<SqlEngine>;
  let objects: Opened<XComStore['objectStore']>;
  let store: XComStore;
  let subscriptions: SubscriptionStore;
  beforeAll(async () => {
    engine = await openEngine(kind);
    objects = await openObjectStore('directory');
    store = new XComStore({ engine: engine.value, objectStore: objects.value });
    subscriptions = SubscriptionStore.of(store);
  });
  afterAll(async () => {
    await objects.release();
    await engine.release();
  });

  /** Someone waits for task `a` of the run: its writes that win queue an outbox row. */
  const waitFor = (runId: string) =>
    subscriptions.register({
      waitId: `exact-${runId}`,
      target: resolveWaitTarget({ dagId: DAG, taskId: 'a', runId }),
      subscriber: { kind: 'workflow', namespace: 'default', workflowId: `w-${runId}`, workflowRunId: 'r' },
      expiresInMs: 60_000,
    });

  test('store.set leaves the same run, entries, ledger and outbox rows as the keyed batch statement', async () => {
    const viaSet = uniqueRunId('set');
    const viaBatch = uniqueRunId('batch');
    await waitFor(viaSet);
    await waitFor(viaBatch);

    const written: boolean[] = [];
    for (const w of sequence(viaSet)) written.push((await store.set(w)).written);
    expect(written).toEqual([true, false, true, true, true]);

    // The batch statement, one entry per call as set would send it, through a store's own placement.
    const batchSql = keyedCommitStatement('"xcom"');
    const batchWritten: boolean[] = [];
    for (const w of sequence(viaBatch)) {
      const entry = await entryOf(store, w);
      const [row] = await engine.value.query<{ written: boolean }>(batchSql, keyedCommitParams([entry]));
      batchWritten.push(row!.written);
    }
    expect(batchWritten).toEqual(written);

    const fromSet = await rowsOf(engine.value, viaSet);
    expect(fromSet).toEqual(await rowsOf(engine.value, viaBatch));
    // What both must show: the first logical date stuck, the zombie fenced, a wake-up per winning write of `a`.
    expect(fromSet.runs).toEqual([{ logical_date: new Date('2024-03-01T00:00:00Z') }]);
    expect(fromSet.ledger.map((l) => [l.task_id, l.attempt, l.outcome])).toEqual([
      ['a', 2, 'written'],
      ['a', 1, 'fenced'],
      ['a', 2, 'written'],
      ['a', 3, 'written'],
      ['b', 1, 'written'],
    ]);
    expect(fromSet.entries.every((e) => e.dated === true)).toBe(true);
    expect(fromSet.outbox.map((o) => [o.exact, o.task_id])).toEqual([[true, 'a'], [true, 'a'], [true, 'a']]);
  });

  test('a run created undated gets its first logical date from a later set, and its entries follow it', async () => {
    const runId = uniqueRunId('dating');
    await store.set(write(runId, 'a', 1, 'undated'));
    const [before] = await engine.value.query<{ logical_date: Date | null }>(
      `select logical_date from xcom.dag_runs where dag_id = $1 and run_id = $2`,
      [DAG, runId],
    );
    expect(before?.logical_date).toBeNull();
    await store.set(write(runId, 'b', 1, 'dated', '2024-05-05T00:00:00Z'));
    const rows = await rowsOf(engine.value, runId);
    expect(rows.runs).toEqual([{ logical_date: new Date('2024-05-05T00:00:00Z') }]);
    expect(rows.entries.map((e) => [e.task_id, e.dated])).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });

  test('set_entry takes its arguments in the keyed statement column order', async () => {
    const runId = uniqueRunId('params');
    const entry = await entryOf(store, write(runId, 'p', 1, { p: 1 }));
    expect(setEntryParams(entry)).toEqual((keyedCommitParams([entry]) as unknown[][]).map((column) => column[0]));
    const [row] = await engine.value.query<{ written: boolean }>(setEntryStatement('"xcom"'), setEntryParams(entry));
    expect(row).toEqual({ written: true });
    expect((await store.get({ dagId: DAG, runId, taskId: 'p', key: 'return_value' }))?.value).toEqual({ p: 1 });
  });
});

/** The keyed entry `store.set` would send for `w` (default retention 'run', the store's own limits). */
async function entryOf(store: XComStore, w: XComWrite): Promise<KeyedEntry> {
  const placed = await prepareEntry(resolveIdentity(w), w.value, createValueCodec(), store, keepUntilFor('run'));
  return { ...w, fence: w.attempt, entry: placed.entry };
}
