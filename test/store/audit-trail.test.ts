// The audit trail on a real Postgres (and on PGlite, the embedded default): reads travel with an attempt's commit (and a failed attempt's discard), every
// way of deleting entries records who did it, trimLedger bounds the table, and lineage pages through it.
import type { AuditedRead } from '../../src/audit/audited-read';
import { lineagePage } from '../../src/cli/queries/lineage-page';
import type { SqlEngine } from '../../src/engines/sql-engine';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { AttemptCommit } from '../../src/store/types';
import { XComStore } from '../../src/store/xcom-store';
import { storeForDescribe, uniqueRunId, type EngineKind } from '../helpers/store-fixtures';

const DAG = 'audit_store';
let engine: SqlEngine;
let store: XComStore;

/** The store on `kind` (a clone of the migrated template, or a fresh PGlite) for the tests of one describe. */
function openStoreOn(kind: EngineKind): void {
  storeForDescribe(kind, 'directory', (opened) => {
    store = opened;
    engine = opened.engine;
  });
}

const schema = () => quoteSchema(store.schema);

interface AuditRow {
  action: string;
  actor_kind: string;
  actor: string | null;
  reader: string | null;
  reader_outcome: string | null;
  entry: string | null;
  digest: string | null;
  entries: number | null;
}

/** Audit rows of a run (as reader or as the entry's run), oldest first, in short text columns. */
async function auditOf(runId: string): Promise<AuditRow[]> {
  return engine.query<AuditRow>(
    `select action, actor_kind, actor,
            case when reader_task_id is null then null
                 else reader_task_id || '[' || reader_map_index || ']#' || reader_attempt end as reader,
            reader_outcome,
            concat_ws('/', task_id, map_index::text, key) as entry, digest, entries
       from ${schema()}.audit where run_id = $1 or reader_run_id = $1 order by id`,
    [runId],
  );
}

function attemptOf(runId: string, taskId: string, attempt: number, values: Record<string, unknown>, reads: AuditedRead[] = []): AttemptCommit {
  return { dagId: DAG, runId, taskId, mapIndex: -1, attempt, fence: 1_000 * attempt, values: new Map(Object.entries(values)), reads };
}

/** What a task attempt would note after reading `key` of `taskId`. */
async function readOf(runId: string, taskId: string, key = 'return_value'): Promise<AuditedRead> {
  const record = await store.get({ dagId: DAG, runId, taskId, key });
  if (!record) throw new Error(`no entry ${taskId}/${key} in ${runId}`);
  const { dagId, mapIndex, digest } = record;
  return { dagId, runId, taskId, mapIndex, key, digest, readAt: new Date('2026-01-02T03:04:05.000Z') };
}

describe.each([['postgres'], ['pglite']] as const)('audit trail on %s', (kind) => {
  openStoreOn(kind);

  test("an attempt's reads are recorded by its commit, once per version; a fenced attempt's too, as fenced", async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'up', 1, { return_value: 'v1', note: 'n' }));
    const value = await readOf(runId, 'up');
    const note = await readOf(runId, 'up', 'note');
    await store.commitAttempt(attemptOf(runId, 'down', 2, { return_value: 'done' }, [value, note]));
    // A zombie attempt 1 of the same consumer commits later: it ran and saw the value, and its rows say it lost.
    const zombie = await store.commitAttempt(attemptOf(runId, 'down', 1, { return_value: 'zombie' }, [value]));
    expect(zombie.won).toBe(false);
    expect(await auditOf(runId)).toEqual([
      { action: 'read', actor_kind: 'task', actor: null, reader: 'down[-1]#2', reader_outcome: 'committed', entry: 'up/-1/return_value', digest: value.digest, entries: null },
      { action: 'read', actor_kind: 'task', actor: null, reader: 'down[-1]#2', reader_outcome: 'committed', entry: 'up/-1/note', digest: note.digest, entries: null },
      { action: 'read', actor_kind: 'task', actor: null, reader: 'down[-1]#1', reader_outcome: 'fenced', entry: 'up/-1/return_value', digest: value.digest, entries: null },
    ]);
    const [row] = await engine.query<{ occurred_at: Date }>(
      `select occurred_at from ${schema()}.audit where reader_run_id = $1 limit 1`,
      [runId],
    );
    expect(row!.occurred_at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  test('concurrent commits sharing one statement (group commit) keep each attempt\'s reads apart', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'up', 1, { return_value: 1 }));
    const read = await readOf(runId, 'up');
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((taskId, i) => store.commitAttempt(attemptOf(runId, taskId, 1, i % 2 ? {} : { x: i }, [read]))),
    );
    const readers = (await auditOf(runId)).map((r) => `${r.reader} ${r.entry}`).sort();
    expect(readers).toEqual(['a[-1]#1 up/-1/return_value', 'b[-1]#1 up/-1/return_value', 'c[-1]#1 up/-1/return_value', 'd[-1]#1 up/-1/return_value']);
  });

  test("a failed attempt's reads are recorded with its discarded pushes, outcome failed", async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'up', 1, { return_value: 'v' }));
    const read = await readOf(runId, 'up');
    const reader = { dagId: DAG, runId, taskId: 'down', mapIndex: -1, attempt: 1, fence: 1_000 };
    await store.discard([{ dagId: DAG, runId, taskId: 'down', key: 'pushed', attempt: 1, fence: 1_000 }], { reader, reads: [read] });
    // A failed attempt that pushed nothing still has its reads recorded.
    await store.discard([], { reader: { ...reader, attempt: 2, fence: 2_000 }, reads: [read] });
    expect((await auditOf(runId)).map((r) => `${r.reader} ${r.reader_outcome} ${r.entry} ${r.digest === read.digest}`)).toEqual([
      'down[-1]#1 failed up/-1/return_value true',
      'down[-1]#2 failed up/-1/return_value true',
    ]);
    expect((await store.ledger({ dagId: DAG, runId, taskId: 'down' })).map((l) => `${l.key}:${l.outcome}`)).toEqual(['pushed:discarded']);
  });

  test('a worker of the previous version commits through the old signature, recording no reads', async () => {
    const runId = uniqueRunId();
    const [row] = await engine.query<{ won: boolean[] }>(
      `select won from ${schema()}.commit_attempts($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
         $16, $17, $18)`,
      [[DAG], [runId], ['old'], [-1], [1], [1000], [null], [null], [null], [], [], [], [], [], [], [], [], []],
    );
    expect(row!.won).toEqual([true]);
    expect(await auditOf(runId)).toEqual([]);
  });

  test('every delete records who made it and how many entries went; deleting nothing records nothing', async () => {
    const runId = uniqueRunId();
    const cli = { kind: 'cli' as const, name: 'alice: xcom clear' };
    const cliStore = new XComStore({ engine, objectStore: store.objectStore, actor: cli });
    await store.commitAttempt(attemptOf(runId, 'a', 1, { return_value: 1, note: 2 }));
    await store.commitAttempt(attemptOf(runId, 'b', 1, { return_value: 3, other: 4 }));
    await store.commitAttempt(attemptOf(runId, 'c', 1, { return_value: 5 }));
    await store.commitAttempt(attemptOf(runId, 'd', 1, { return_value: 6, more: 7 }));
    const noteDigest = (await readOf(runId, 'a', 'note')).digest;

    expect(await store.delete({ dagId: DAG, runId, taskId: 'a', key: 'note' })).toBe(true);
    expect(await store.delete({ dagId: DAG, runId, taskId: 'a', key: 'note' })).toBe(false);
    expect(await cliStore.clear({ dagId: DAG, runId, taskId: 'b' })).toBe(2);
    expect((await store.clearTask({ dagId: DAG, runId, taskId: 'c', actor: { kind: 'task', name: 'etl/r/cleaner attempt 1' } })).entries).toBe(1);
    expect((await store.clearTask({ dagId: DAG, runId, taskId: 'c', dryRun: true })).entries).toBe(0);
    expect((await store.clearRun({ dagId: DAG, runId }, { actor: { kind: 'retention', name: 'xcomCleanup' } })).entries).toBe(3);

    expect((await auditOf(runId)).map((r) => [r.actor_kind, r.actor, r.entry, r.digest, r.entries])).toEqual([
      ['client', null, 'a/-1/note', noteDigest, 1],
      ['cli', 'alice: xcom clear', 'b', null, 2],
      ['task', 'etl/r/cleaner attempt 1', 'c', null, 1],
      ['retention', 'xcomCleanup', '', null, 3],
    ]);
  });

  test('purge and keepLatestRuns record a row per run they delete from, naming the actor', async () => {
    const dagId = `audit_purge_${uniqueRunId()}`;
    const runs = ['r1', 'r2', 'r3'];
    for (const [i, runId] of runs.entries()) {
      await store.commitAttempt({ ...attemptOf(runId, 't', 1, { return_value: i }), dagId, logicalDate: new Date(Date.UTC(2020, 0, i + 1)) });
    }
    const actor = { kind: 'cli' as const, name: 'bob: xcom keep-latest' };
    expect((await store.keepLatestRuns({ dagId, keep: 2, actor })).runs).toBe(1);
    expect((await store.purge({ dagId, olderThan: new Date(Date.UTC(2020, 0, 3)), actor: { kind: 'retention', name: 'xcomCleanup' } })).runs).toBe(1);
    const rows = await engine.query<{ actor_kind: string; actor: string; run_id: string; entries: number }>(
      `select actor_kind, actor, run_id, entries from ${schema()}.audit where action = 'delete' and dag_id = $1 order by id`,
      [dagId],
    );
    expect(rows).toEqual([
      { actor_kind: 'cli', actor: 'bob: xcom keep-latest', run_id: 'r1', entries: 1 },
      { actor_kind: 'retention', actor: 'xcomCleanup', run_id: 'r2', entries: 1 },
    ]);
  });

  test('trimLedger trims the audit trail by age (its own cutoff when given); a dry run counts', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'up', 1, { return_value: 'v' }));
    const read = await readOf(runId, 'up');
    await store.commitAttempt(attemptOf(runId, 'down', 1, {}, [read]));
    await store.commitAttempt(attemptOf(runId, 'down2', 1, {}, [read]));
    await engine.query(`update ${schema()}.audit set recorded_at = now() - interval '10 days' where reader_task_id = 'down' and reader_run_id = $1`, [runId]);
    const older = await store.trimLedger({ olderThan: '30 days', auditOlderThan: '5 days', dryRun: true });
    expect(older.audit).toBeGreaterThanOrEqual(1);
    const trimmed = await store.trimLedger({ olderThan: '30 days', auditOlderThan: '5 days' });
    expect(trimmed.audit).toBe(older.audit);
    expect((await auditOf(runId)).map((r) => r.reader)).toEqual(['down2[-1]#1']);
    // Without its own cutoff the audit trail goes with the ledger's.
    await engine.query(`update ${schema()}.audit set recorded_at = now() - interval '40 days' where reader_run_id = $1`, [runId]);
    expect((await store.trimLedger({ olderThan: '30 days' })).audit).toBeGreaterThanOrEqual(1);
    expect(await auditOf(runId)).toEqual([]);
  });

  test('lineage lists the readers of a run\'s entries by entry, a page at a time, filtered by task and key', async () => {
    const runId = uniqueRunId();
    await store.commitAttempt(attemptOf(runId, 'up', 1, { return_value: 'v', note: 'n' }));
    await store.commitAttempt(attemptOf(runId, 'up2', 1, { return_value: 'w' }));
    const [value, note, other] = [await readOf(runId, 'up'), await readOf(runId, 'up', 'note'), await readOf(runId, 'up2')];
    for (const reader of ['r1', 'r2', 'r3']) await store.commitAttempt(attemptOf(runId, reader, 1, {}, [value, note, other]));
    const all: string[] = [];
    let after: [string, number, string, number] | undefined;
    for (let pages = 1; ; pages++) {
      const page = await lineagePage(engine, schema(), { dagId: DAG, runId, limit: 4, after });
      all.push(...page.reads.map((r) => `${r.taskId}:${r.key}<-${r.reader.taskId}#${r.reader.attempt}`));
      if (!page.next) {
        expect(pages).toBe(3);
        break;
      }
      const decoded = JSON.parse(Buffer.from(page.next, 'base64url').toString('utf8')) as [string, string, number, string, number];
      after = [decoded[1], decoded[2], decoded[3], decoded[4]];
    }
    expect(all).toEqual([
      'up:note<-r1#1', 'up:note<-r2#1', 'up:note<-r3#1',
      'up:return_value<-r1#1', 'up:return_value<-r2#1', 'up:return_value<-r3#1',
      'up2:return_value<-r1#1', 'up2:return_value<-r2#1', 'up2:return_value<-r3#1',
    ]);
    const filtered = await lineagePage(engine, schema(), { dagId: DAG, runId, taskId: 'up', key: 'return_value', limit: 10 });
    expect(filtered.reads.map((r) => r.reader.taskId)).toEqual(['r1', 'r2', 'r3']);
    expect(filtered.reads[0]!.digest).toBe(value.digest);
  });
});
