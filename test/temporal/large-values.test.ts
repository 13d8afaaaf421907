import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, RetryState, type ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { XComClient } from '../../src/client/xcom-client';
import { isXComRef } from '../../src/common/xcom-ref';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';

let ctx: PluginContext;
let capped: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext();
  capped = await openPluginContext({}, { maxValueBytes: 1024 * 1024 });
});
afterAll(async () => {
  await ctx.release();
  await capped.release();
});

async function historyBytes(client: Client, workflowId: string): Promise<{ total: number; largestPayload: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let largestPayload = 0;
  const visit = (value: unknown): void => {
    if (value instanceof Uint8Array) largestPayload = Math.max(largestPayload, value.byteLength);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(history);
  return { total: temporal.api.history.v1.History.encode(history).finish().byteLength, largestPayload };
}

describe('large values stay out of workflow history (real Temporal, Postgres, MinIO)', () => {
  test('a 5 MB result reaches the next task intact while history holds only the ref', async () => {
    const { workflowId, result } = await ctx.run<{ sawRef: boolean; refSize: number; checked: { length: number; intact: boolean } }>(
      'largeResultWorkflow',
      [5],
    );
    expect(result.sawRef).toBe(true);
    expect(result.refSize).toBeGreaterThan(5 * 1024 * 1024);
    expect(result.checked).toEqual({ length: 5 * 1024 * 1024, intact: true });
    const size = await historyBytes(ctx.env.client(), workflowId);
    expect(size.largestPayload).toBeLessThan(4 * 1024);
    expect(size.total).toBeLessThan(32 * 1024);
    const record = await (await ctx.store()).get({ dagId: 'largeResultWorkflow', runId: workflowId, taskId: 'big', key: 'return_value' });
    expect(record?.objectKey).toEqual(expect.any(String));
  });

  test('a value over the cap fails the task non-retryably, stating the size and the cap', async () => {
    const failure = (await capped.run('tooLargeWorkflow', [2]).catch((err: unknown) => err)) as WorkflowFailedError;
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = failure.cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    const cause = activityFailure.cause as ApplicationFailure;
    expect(cause.type).toBe('XComTooLargeError');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toMatch(/task=too_big.*is 2\.00 MiB \(\d+ bytes\), above the cap of 1\.00 MiB \(1048576 bytes\)/);
  });

  test('XComClient reads, pulls, lists, resolves and deletes a run\'s XComs from outside any workflow', async () => {
    const { workflowId, result } = await ctx.run<{ sawRef: boolean }>('largeResultWorkflow', [1]);
    expect(result.sawRef).toBe(true);
    const client = await XComClient.open({ store: ctx.storeConfig });
    try {
      const run = { dagId: 'largeResultWorkflow', runId: workflowId };
      const checked = await client.get({ ...run, taskId: 'check' });
      expect(checked).toEqual({ length: 1024 * 1024, intact: true });
      expect(await client.pull({ ...run, taskIds: ['check', 'missing'], default: 'none' })).toEqual([checked, 'none']);
      const listed = await client.list({ dagIds: run.dagId, runId: run.runId });
      expect(listed.map((m) => m.taskId).sort()).toEqual(['big', 'check']);
      const big = listed.find((m) => m.taskId === 'big')!;
      const ref = { $xcomRef: 1 as const, ...run, taskId: 'big', mapIndex: -1, key: 'return_value', sizeBytes: big.sizeBytes, digest: big.digest };
      expect(isXComRef(ref)).toBe(true);
      expect((await client.resolve<{ blob: string }>(ref)).blob).toHaveLength(1024 * 1024);
      await expect(client.resolve({ ...ref, digest: '0'.repeat(64) })).rejects.toThrow(/pins content sha256 0{64}/);
      expect(await client.delete({ ...run, taskId: 'check' })).toBe(true);
      expect(await client.get({ ...run, taskId: 'check' })).toBeUndefined();
      expect(await client.clear(run)).toBe(1);
      expect(await client.list({ dagIds: run.dagId, runId: run.runId })).toEqual([]);
      await expect(client.resolve(ref)).rejects.toThrow(/no longer exists/);
    } finally {
      await client.close();
    }
  });
});
