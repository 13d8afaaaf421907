// Retention end to end on real Temporal, Postgres and MinIO: classes declared by tasks and pushes, and the cleanup
// schedule firing once on the dev server.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScheduleHandle } from '@temporalio/client';
import { createCleanupSchedule } from '../../src/client/cleanup-schedule';
import { quoteSchema } from '../../src/migrations/schema-name';
import { defineDag } from '../../src/dag/define-dag';
import type { CleanupReport } from '../../src/common/cleanup-plan';
import type { XComStore } from '../../src/store/xcom-store';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';
import { createTestWorker, uniqueTaskQueue } from '../helpers/temporal';

let ctx: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext({ objectSweep: false });
});
afterAll(async () => ctx.release());

const DAY = 86_400_000;

async function keysOf(store: XComStore, runId: string): Promise<string[]> {
  return (await store.getMany({ dagIds: 'retention_classes', runId }, { values: false })).map((e) => `${e.taskId}:${e.key}`).sort();
}

describe('retention on real Temporal', () => {
  test('classes declared by withTask and xcom.push are stored and honoured by a purge', async () => {
    const logicalDate = new Date(Date.now() - 30 * DAY).toISOString();
    const { workflowId } = await ctx.run('retentionClassesWorkflow', [logicalDate]);
    const store = (await ctx.store()) as XComStore;
    const entries = await store.getMany({ dagIds: 'retention_classes', runId: workflowId }, { values: false });
    const classes = Object.fromEntries(entries.map((e) => [`${e.taskId}:${e.key}`, e.retention instanceof Date ? 'date' : e.retention]));
    expect(classes).toEqual({
      'classes:kept': 'forever',
      'classes:plain': 'run',
      'classes:return_value': 'run',
      'classes:week': 'date',
      'forever_task:return_value': 'forever',
      'run_task:return_value': 'run',
    });
    const result = await store.purge({ olderThan: '7 days', dagIds: 'retention_classes' });
    expect(result).toMatchObject({ runs: 0, entries: 3, kept: 3 });
    expect(await keysOf(store, workflowId)).toEqual(['classes:kept', 'classes:week', 'forever_task:return_value']);
  });

  test('DAG tasks declare retention as a task option; a bad class is refused when the DAG is defined', async () => {
    const { workflowId } = await ctx.run('retentionDagWorkflow');
    const store = (await ctx.store()) as XComStore;
    const entries = await store.getMany({ dagIds: 'retention_dag', runId: workflowId }, { values: false });
    const classes = Object.fromEntries(entries.map((e) => [e.taskId, e.retention instanceof Date ? 'date' : e.retention]));
    expect(classes).toEqual({ kept: 'forever', weekly: 'date', plain: 'run' });
    expect(() =>
      defineDag({ dagId: 'bad_retention' }, (dag) => {
        dag.tasks<Record<string, () => Promise<void>>>().step!.with({ retention: 'sometimes' as never })();
      }),
    ).toThrow(/retention must be 'run', 'forever' or a positive duration such as '7 days', got 'sometimes'/);
  });

  test('the cleanup schedule fires once on the dev server, purges old runs and sweeps their objects', async () => {
    let store = (await ctx.store()) as XComStore;
    // Two runs of a DAG: an old one with a large value (an object) and a new one.
    const dagId = `cleanup_${randomUUID().slice(0, 8)}`;
    for (const [runId, daysAgo] of [['old', 40], ['new', 0]] as const) {
      await store.commitAttempt({
        dagId,
        runId,
        taskId: 't',
        attempt: 1,
        fence: 1,
        logicalDate: new Date(Date.now() - daysAgo * DAY),
        values: new Map([['return_value', Buffer.alloc(store.inlineThresholdBytes + 1, daysAgo)]]),
      });
    }
    const oldObject = (await store.get({ dagId, runId: 'old', taskId: 't', key: 'return_value' }))!.objectKey!;

    const taskQueue = uniqueTaskQueue('cleanup-schedule');
    const client = ctx.env.client(ctx.plugin);
    const worker = await createTestWorker(ctx.env, ctx.plugin, ctx.bundle, { taskQueue });
    let schedule: ScheduleHandle | undefined;
    try {
      await worker.runUntil(async () => {
        schedule = await createCleanupSchedule(client, {
          taskQueue,
          every: '1 day',
          scheduleId: `xcom-cleanup-${randomUUID()}`,
          olderThan: '30 days',
          dagIds: [dagId],
          keepLatestRuns: [{ dagId, keep: 5 }],
        });
        await schedule.trigger();
        // The schedule's first action, once it has started (state, not time).
        let workflowId: string | undefined;
        for (let i = 0; i < 600 && !workflowId; i++) {
          workflowId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
          if (!workflowId) await sleep(100);
        }
        const report = (await client.workflow.getHandle(workflowId!).result()) as CleanupReport;
        expect(report.steps.map((s) => s.step)).toEqual(['purge', 'keepLatestRuns', 'trimLedger', 'sweepObjects']);
        expect(report.steps[0]).toMatchObject({ runs: 1, entries: 1 });
        expect(report.steps[3]!.objects).toBeGreaterThanOrEqual(0);
      });
    } finally {
      await schedule?.delete();
    }
    // The worker's stop closed the plugin's store; this opens it again.
    store = (await ctx.store()) as XComStore;
    expect((await store.listRuns({ dagId })).runs.map((r) => r.runId)).toEqual(['new']);
    // The audit trail names the cleanup schedule as who deleted the old run.
    expect(
      await store.engine.query(
        `select actor_kind, actor, run_id, entries from ${quoteSchema(store.schema)}.audit where action = 'delete' and dag_id = $1`,
        [dagId],
      ),
    ).toEqual([{ actor_kind: 'retention', actor: 'xcomCleanup', run_id: 'old', entries: 1 }]);
    // The sweep ran with the store's grace (6 h): the old object stays until it is old enough; then nothing is left.
    const swept = await store.sweepObjects({ graceMs: 0 });
    expect(swept.sample).toContain(oldObject);
    expect(await store.objectStore.exists(oldObject)).toBe(false);
    expect((await store.sweepObjects({ graceMs: 0 })).deleted).toBe(0);
    expect((await store.get({ dagId, runId: 'new', taskId: 't', key: 'return_value' }))?.value).toEqual(
      Buffer.alloc(store.inlineThresholdBytes + 1, 0),
    );
  });
});
