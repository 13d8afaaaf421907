// A delete from activity code (xcom.clearRun, xcom.purge, …) names the task attempt that made it in the audit trail,
// on real Temporal and Postgres.
import * as activities from '../fixtures/audit/activities';
import { auditDag } from '../fixtures/audit/dags';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { XComStore } from '../../src/store/xcom-store';
import { openDagRunContext, type DagRunContext } from '../helpers/dag-run-context';

const DAG = 'audit_lineage';
let ctx: DagRunContext;
beforeAll(async () => {
  ctx = await openDagRunContext(require.resolve('../fixtures/audit/workflows'), { dags: [auditDag] }, activities);
});
afterAll(async () => ctx.release());

describe("a task's deletes in the audit trail (real Temporal, Postgres, MinIO)", () => {
  test('a delete from activity code names the task attempt that made it', async () => {
    const { runId } = await ctx.run('auditLineageWorkflow');
    const { runId: clearer } = await ctx.run('auditClearWorkflow', [DAG, runId]);
    // The plugin closed its store with the run's worker: this one is reopened.
    const store = (await ctx.store()) as XComStore;
    const rows = await store.engine.query<{ actor_kind: string; actor: string | null; task_id: string | null; entries: number }>(
      `select actor_kind, actor, task_id, entries from ${quoteSchema(store.schema)}.audit
        where action = 'delete' and dag_id = $1 and run_id = $2 order by id`,
      [DAG, runId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_kind: 'task', task_id: null, entries: expect.any(Number) });
    expect(rows[0]!.actor).toMatch(new RegExp(`^auditClearWorkflow/${clearer}/clear attempt \\d+$`));
    expect(rows[0]!.entries).toBeGreaterThan(5);
  });
});
