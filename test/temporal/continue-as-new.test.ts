import { randomUUID } from 'node:crypto';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { DAG_RUN_HEADER } from '../../src/common/dag-run-header';
import type { ExecutionIds } from '../fixtures/workflows/continue-as-new';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';
import { createTestWorker, uniqueTaskQueue } from '../helpers/temporal';

let ctx: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext();
});
afterAll(async () => ctx.release());

describe('a DAG run survives continue-as-new (real Temporal, Postgres, MinIO)', () => {
  test('default task ids keep counting in the next execution; both executions\' entries stay', async () => {
    const { workflowId, result } = await ctx.run<ExecutionIds>('extractAcrossContinueAsNew');
    expect(result.continuedFrom).toEqual(expect.any(String));
    const records = await (await ctx.store()).getMany({ dagIds: 'extractAcrossContinueAsNew', runId: workflowId });
    const byTask = Object.fromEntries(records.map((r) => [r.taskId, r]));
    expect(Object.keys(byTask).sort()).toEqual(['extract', 'extract__1', 'extract__2', 'extract__3']);
    expect(records.every((r) => r.key === 'return_value' && r.mapIndex === -1)).toBe(true);
    const first = { temporalRunId: result.continuedFrom };
    const second = { temporalRunId: result.runId };
    expect(byTask.extract).toMatchObject({ ...first, value: { label: 'execution 1, call 1', ...first } });
    expect(byTask.extract__1).toMatchObject({ ...first, value: { label: 'execution 1, call 2', ...first } });
    expect(byTask.extract__2).toMatchObject({ ...second, value: { label: 'execution 2, call 1', ...second } });
    expect(byTask.extract__3).toMatchObject({ ...second, value: { label: 'execution 2, call 2', ...second } });
    // One DAG run: one logical date across both executions.
    expect(new Set(records.map((r) => r.logicalDate?.toISOString())).size).toBe(1);
  });

  test('setDagRun in the first execution holds for the second: same DAG id and logical date', async () => {
    const logicalDate = '2024-05-01T00:00:00.000Z';
    const { workflowId, result } = await ctx.run<ExecutionIds>('customDagAcrossContinueAsNew', [logicalDate]);
    const store = await ctx.store();
    const records = await store.getMany({ dagIds: 'custom_dag', runId: workflowId });
    expect(records.map((r) => [r.taskId, r.temporalRunId, r.logicalDate?.toISOString()]).sort()).toEqual([
      ['extract', result.continuedFrom, logicalDate],
      ['extract__1', result.runId, logicalDate],
    ]);
    expect(await store.count({ dagIds: 'customDagAcrossContinueAsNew', runId: workflowId })).toBe(0);
  });

  test.each<[string, Payload]>([
    ['malformed', defaultPayloadConverter.toPayload({ v: 1, logicalDate: 'not a date', defaultIdsUsed: { extract: 5 } })],
    ['undecodable', { metadata: { encoding: new TextEncoder().encode('binary/unknown') }, data: new Uint8Array([1, 2]) }],
  ])('a %s run header is ignored: the execution starts its own numbering', async (_label, payload) => {
    const addHeader: WorkflowClientInterceptor = {
      start: (input, next) => next({ ...input, headers: { ...input.headers, [DAG_RUN_HEADER]: payload } }),
    };
    const client = new Client({ connection: ctx.env.connection, plugins: [ctx.plugin], interceptors: { workflow: [addHeader] } });
    const taskQueue = uniqueTaskQueue('malformed-header');
    const workflowId = `malformed-header-${randomUUID()}`;
    const worker = await createTestWorker(ctx.env, ctx.plugin, ctx.bundle, { taskQueue });
    // Execution 2 alone: no continue-as-new, so only the injected header could change the numbering.
    await worker.runUntil(client.workflow.execute('extractAcrossContinueAsNew', { taskQueue, workflowId, args: [2] }));
    const records = await (await ctx.store()).getMany({ dagIds: 'extractAcrossContinueAsNew', runId: workflowId });
    expect(records.map((r) => r.taskId).sort()).toEqual(['extract', 'extract__1']);
  });

  test('both executions replay from their recorded histories', async () => {
    // No workflow cache: every activation replays from the start, so nondeterminism fails the run itself.
    const { workflowId, result } = await ctx.run<ExecutionIds>('extractAcrossContinueAsNew', [], { maxCachedWorkflows: 0 });
    const client = ctx.env.client();
    const histories = await Promise.all(
      [result.continuedFrom, result.runId].map((runId) => client.workflow.getHandle(workflowId, runId).fetchHistory()),
    );
    for (const history of histories) {
      await Worker.runReplayHistory({ workflowBundle: ctx.bundle, plugins: [ctx.plugin] }, history, workflowId);
    }
  });
});
