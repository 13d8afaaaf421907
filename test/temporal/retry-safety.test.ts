import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';
import { uniqueTaskQueue } from '../helpers/temporal';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

let ctx: PluginContext;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  ctx = await openPluginContext();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});
afterAll(async () => ctx.release());

/** Waits (state, not time) until two activity pollers are on the task queue. */
async function bothPolling(client: Client, taskQueue: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    if ((pollers?.length ?? 0) >= 2) return;
    await sleep(100);
  }
  throw new Error(`two workers never polled ${taskQueue} for activities`);
}

describe('retry safety (real Temporal, Postgres, MinIO)', () => {
  test('an attempt that pushes then fails publishes nothing; the retry\'s values are visible; the ledger shows both', async () => {
    const { workflowId, result } = await ctx.run('flakyWorkflow');
    expect(result).toEqual({ attempt: 2 });
    const store = await ctx.store();
    const records = await store.getMany({ dagIds: 'flakyWorkflow', runId: workflowId });
    expect(Object.fromEntries(records.map((r) => [r.key, [r.value, r.attempt]]))).toEqual({
      pushed_by_attempt: [2, 2],
      return_value: [{ attempt: 2 }, 2],
    });
    const ledger = await store.ledger({ dagId: 'flakyWorkflow', runId: workflowId });
    expect(ledger.map((l) => `${l.attempt}:${l.key}:${l.outcome}`).sort()).toEqual([
      '1:only_in_first_attempt:discarded',
      '1:pushed_by_attempt:discarded',
      '2:pushed_by_attempt:written',
      '2:return_value:written',
    ]);
  });

  test('a worker killed with SIGKILL right after the commit: the retry re-commits and one consistent value remains', async () => {
    const taskQueue = uniqueTaskQueue('kill-after-commit');
    const doomed = await startWorkerProcess({ taskQueue, store: ctx.storeConfig, killAfterCommitType: 'stampAttempt' });
    workers.push(doomed);
    const client = ctx.env.client(ctx.plugin);
    const workflowId = `kill-after-commit-${randomUUID()}`;
    const handle = await client.workflow.start('killAfterCommitWorkflow', { taskQueue, workflowId });

    expect(await doomed.exited).toBe('SIGKILL');
    expect(doomed.output()).toContain('killing-after-commit');
    const store = await ctx.store();
    const id = { dagId: 'killAfterCommitWorkflow', runId: workflowId, taskId: 'stamp', key: 'return_value' };
    // The first attempt's commit landed before the process died.
    expect((await store.get(id))?.attempt).toBe(1);

    const survivor = await startWorkerProcess({ taskQueue, store: ctx.storeConfig });
    workers.push(survivor);
    const result = (await handle.result()) as { attempt: number; pid: number };
    expect(result.attempt).toBe(2);
    expect(result.pid).toBe(survivor.child.pid);

    const record = await store.get(id);
    expect(record?.value).toEqual(result);
    expect(record?.attempt).toBe(2);
    expect(await store.count({ dagIds: id.dagId, runId: workflowId })).toBe(1);
    const ledger = await store.ledger(id);
    expect(ledger.map((l) => `${l.attempt}:${l.outcome}`)).toEqual(['1:written', '2:written']);
  });

  test('two worker processes on one task queue record every task once', async () => {
    const taskQueue = uniqueTaskQueue('two-workers');
    workers.push(...(await Promise.all([1, 2].map(() => startWorkerProcess({ taskQueue, store: ctx.storeConfig })))));
    const client = ctx.env.client(ctx.plugin);
    // "Ready" is printed before a worker polls: wait until the server sees both polling for activities.
    await bothPolling(client, taskQueue);
    const workflowId = `two-workers-${randomUUID()}`;
    const count = 60;
    const results = (await client.workflow.execute('fanOutWorkflow', { taskQueue, workflowId, args: [count] })) as { pid: number }[];
    const pids = new Set(results.map((r) => r.pid));
    expect(pids).toEqual(new Set(workers.map((w) => w.child.pid)));

    const store = await ctx.store();
    const records = await store.getMany({ dagIds: 'fanOutWorkflow', runId: workflowId });
    expect(records).toHaveLength(count);
    const byIndex = new Map(records.map((r) => [r.mapIndex, r.value]));
    results.forEach((result, i) => expect(byIndex.get(i)).toEqual(result));
  });
});
