// The audit trail on real Temporal, Postgres and MinIO: every read path of a task is recorded with the reading
// attempt and the digest it got (consumption lineage), a retried consumer's failed and committed attempts both, and
// deletes name who made them (a task's own deletes: audit-task-deletes.test.ts).
import * as activities from '../fixtures/audit/activities';
import { auditDag } from '../fixtures/audit/dags';
import { lineagePage } from '../../src/cli/queries/lineage-page';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { XComStore } from '../../src/store/xcom-store';
import { openDagRunContext, type DagRunContext } from '../helpers/dag-run-context';

const DAG = 'audit_lineage';
let ctx: DagRunContext;
// The plugin closes its store when the last worker stops (each run's worker): reopened after every run.
let store: XComStore;
async function afterRun<T>(ran: Promise<T>): Promise<T> {
  const result = await ran;
  store = (await ctx.store()) as XComStore;
  return result;
}
beforeAll(async () => {
  ctx = await openDagRunContext(require.resolve('../fixtures/audit/workflows'), { dags: [auditDag] }, activities);
});
afterAll(async () => ctx.release());

/** Every recorded read of a run's entries, as `producer[map]:key@digest <- reader[map]#attempt outcome`. */
async function lineageOf(runId: string): Promise<string[]> {
  const page = await lineagePage(store.engine, quoteSchema(store.schema), { dagId: DAG, runId, limit: 1000 });
  expect(page.next).toBeUndefined();
  return page.reads.map((r) => {
    const reader = `${r.reader.taskId}${r.reader.mapIndex >= 0 ? `[${r.reader.mapIndex}]` : ''}#${r.reader.attempt} ${r.reader.outcome}`;
    return `${r.taskId}${r.mapIndex >= 0 ? `[${r.mapIndex}]` : ''}:${r.key}@${r.digest} <- ${reader}`;
  });
}

async function auditRows(where: string, params: unknown[]) {
  return store.engine.query<{ action: string; actor_kind: string; actor: string | null; dag_id: string | null; run_id: string | null; task_id: string | null; key: string | null; digest: string | null; entries: number | null }>(
    `select action, actor_kind, actor, dag_id, run_id, task_id, key, digest, entries from ${quoteSchema(store.schema)}.audit where ${where} order by id`,
    params,
  );
}

describe('audit trail and consumption lineage (real Temporal, Postgres, MinIO)', () => {
  test("lineage names each consumer's attempt and the digest it read, through every read path", async () => {
    const { runId } = await afterRun(ctx.run('auditLineageWorkflow'));
    const at = (taskId: string, key = 'return_value', mapIndex = -1) => store.get({ dagId: DAG, runId, taskId, mapIndex, key });
    const version = async (taskId: string, key = 'return_value', mapIndex = -1) => {
      const record = await at(taskId, key, mapIndex);
      return `${taskId}${mapIndex >= 0 ? `[${mapIndex}]` : ''}:${key}@${record!.digest}`;
    };
    // The attempt that committed each reader (under load a reader may have been retried: it is whichever committed).
    const committed = async (taskId: string, mapIndex = -1) => `${taskId}${mapIndex >= 0 ? `[${mapIndex}]` : ''}#${(await at(taskId, 'return_value', mapIndex))!.attempt} committed`;
    const flaky = (await at('flaky_reader'))!.attempt;
    expect(flaky).toBeGreaterThan(1);

    const expected = [
      `${await version('report')} <- ${await committed('by_argument')}`,
      `${await version('report')} <- ${await committed('by_pull')}`,
      `${await version('report', 'note')} <- ${await committed('by_pull')}`,
      `${await version('report')} <- ${await committed('flaky_reader')}`,
      `${await version('list')} <- ${await committed('tripled', 0)}`,
      `${await version('list')} <- ${await committed('tripled', 1)}`,
      `${await version('tripled', 'return_value', 0)} <- ${await committed('by_pull_mapped')}`,
      `${await version('tripled', 'return_value', 1)} <- ${await committed('by_pull_mapped')}`,
    ];
    const lineage = await lineageOf(runId);
    // The retried consumer: every attempt before the one that committed read the report too, and failed.
    const failed = lineage.filter((line) => line.endsWith(' failed'));
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const line of failed) expect(line).toMatch(new RegExp(`^${await version('report')} <- flaky_reader#\\d+ failed$`));
    // One row per failed attempt (a retry is recorded once, as its own attempt), each before the committed one.
    const failedAttempts = failed.map((line) => Number(/#(\d+) failed$/.exec(line)![1]));
    expect(new Set(failedAttempts).size).toBe(failedAttempts.length);
    for (const attempt of failedAttempts) expect(attempt).toBeLessThan(flaky);
    expect(lineage.filter((line) => !line.endsWith(' failed')).sort()).toEqual(expected.sort());
  });

  test('deletes are recorded with who made them: a client, retention, a task; trimLedger bounds the audit table', async () => {
    const { runId } = await afterRun(ctx.run('auditLineageWorkflow'));
    const reportDigest = (await store.get({ dagId: DAG, runId, taskId: 'report', key: 'note' }))!.digest;
    expect(await store.delete({ dagId: DAG, runId, taskId: 'report', key: 'note' })).toBe(true);
    expect(await store.clear({ dagId: DAG, runId, taskId: 'tripled', mapIndex: 1 })).toBe(1);
    const left = await store.count({ dagIds: DAG, runId });
    await store.clearRun({ dagId: DAG, runId }, { actor: { kind: 'retention', name: 'nightly cleanup' } });
    expect(await auditRows(`action = 'delete' and dag_id = $1 and run_id = $2`, [DAG, runId])).toEqual([
      { action: 'delete', actor_kind: 'client', actor: null, dag_id: DAG, run_id: runId, task_id: 'report', key: 'note', digest: reportDigest, entries: 1 },
      { action: 'delete', actor_kind: 'client', actor: null, dag_id: DAG, run_id: runId, task_id: 'tripled', key: null, digest: null, entries: 1 },
      { action: 'delete', actor_kind: 'retention', actor: 'nightly cleanup', dag_id: DAG, run_id: runId, task_id: null, key: null, digest: null, entries: left },
    ]);
    // The run is gone, its lineage stays until the audit table is trimmed.
    expect((await lineageOf(runId)).length).toBeGreaterThanOrEqual(8);
    const trimmed = await store.trimLedger({ olderThan: '1 day', auditOlderThan: new Date(Date.now() + 60_000) });
    expect(trimmed.audit).toBeGreaterThanOrEqual(11);
    expect(await lineageOf(runId)).toEqual([]);
  });
});
