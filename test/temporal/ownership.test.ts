// A task instance owns its key set, end to end on real Temporal, Postgres and MinIO: zombies, crashes after the
// commit, a task id run twice, and a re-run after a workflow reset never leave keys of two attempts or runs.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { XComBackend } from '../../src/store/backend';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';
import { createTestWorker, uniqueTaskQueue } from '../helpers/temporal';
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

async function keysOf(store: XComBackend, dagId: string, runId: string, taskId: string) {
  const records = await store.getMany({ dagIds: dagId, runId, taskIds: taskId });
  return Object.fromEntries(records.map((r) => [r.key, r.attempt]));
}

/** Polls the ledger (state, not time) until `done` holds, for at most a minute. */
async function ledgerUntil(store: XComBackend, scope: { dagId: string; runId: string }, done: (lines: string[]) => boolean) {
  for (let i = 0; i < 600; i++) {
    const lines = (await store.ledger(scope)).map((l) => `${l.attempt}:${l.key}:${l.outcome}`);
    if (done(lines)) return lines;
    await sleep(100);
  }
  throw new Error('the ledger never reached the expected state');
}

describe('task-instance ownership on real Temporal', () => {
  test('a zombie attempt 1 that commits after the retry publishes nothing (all its writes fenced)', async () => {
    const { workflowId, result } = await ctx.run<{ attempt: number }>('zombieWorkflow');
    expect(result.attempt).toBeGreaterThan(1);
    const store = await ctx.store();
    const scope = { dagId: 'zombieWorkflow', runId: workflowId };
    // The zombie is still waiting for the retry's commit when the workflow completes; wait for its commit to land.
    const ledger = await ledgerUntil(store, scope, (lines) => lines.includes('1:zombie_only:fenced'));
    expect(ledger).toContain('1:return_value:fenced');
    expect(ledger.filter((l) => l.startsWith('1:') && !l.endsWith(':fenced'))).toEqual([]);
    expect(await keysOf(store, 'zombieWorkflow', workflowId, 'zombie')).toEqual({ return_value: result.attempt });
  });

  test('a worker killed right after attempt 1 committed: the retry\'s different key set replaces it entirely', async () => {
    const taskQueue = uniqueTaskQueue('key-set-after-crash');
    const doomed = await startWorkerProcess({ taskQueue, store: ctx.storeConfig, killAfterCommitType: 'pushPerAttempt' });
    workers.push(doomed);
    const workflowId = `key-set-after-crash-${randomUUID()}`;
    const handle = await ctx.env.client(ctx.plugin).workflow.start('keySetAfterCrashWorkflow', { taskQueue, workflowId });
    expect(await doomed.exited).toBe('SIGKILL');
    const store = await ctx.store();
    expect(await keysOf(store, 'keySetAfterCrashWorkflow', workflowId, 'varying')).toEqual({ first_attempt_only: 1, return_value: 1 });

    workers.push(await startWorkerProcess({ taskQueue, store: ctx.storeConfig }));
    const result = (await handle.result()) as { attempt: number };
    expect(result.attempt).toBeGreaterThan(1);
    expect(await keysOf(store, 'keySetAfterCrashWorkflow', workflowId, 'varying')).toEqual({
      retry_only: result.attempt,
      return_value: result.attempt,
    });
    const ledger = (await store.ledger({ dagId: 'keySetAfterCrashWorkflow', runId: workflowId })).map((l) => `${l.attempt}:${l.key}:${l.outcome}`);
    expect(ledger).toContain('1:first_attempt_only:superseded');
  });

  test('the same task id run twice in a run: the second run\'s keys replace the first\'s, stale keys removed', async () => {
    const { workflowId } = await ctx.run('taskRunTwiceWorkflow');
    const store = await ctx.store();
    const records = await store.getMany({ dagIds: 'taskRunTwiceWorkflow', runId: workflowId, taskIds: 'twice' });
    expect(Object.fromEntries(records.map((r) => [r.key, r.value]))).toEqual({ kept: 'pushed with kept', return_value: ['kept'] });
  });

  test('a re-run after a workflow reset leaves only the new run\'s keys', async () => {
    const taskQueue = uniqueTaskQueue('reset');
    const worker = await createTestWorker(ctx.env, ctx.plugin, ctx.bundle, { taskQueue });
    const client = ctx.env.client(ctx.plugin);
    const workflowId = `reset-${randomUUID()}`;
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('resetTargetWorkflow', { taskQueue, workflowId });
      const firstRun = (await handle.result()) as string;
      const { history } = await client.workflowService.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId, runId: handle.firstExecutionRunId },
      });
      const firstTask = history!.events!.find((e) => e.workflowTaskCompletedEventAttributes);
      const reset = await client.workflowService.resetWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId, runId: handle.firstExecutionRunId },
        workflowTaskFinishEventId: firstTask!.eventId,
        requestId: randomUUID(),
        reason: 'ownership test: re-run the task',
      });
      const secondRun = (await client.workflow.getHandle(workflowId, reset.runId).result()) as string;
      expect(secondRun).not.toBe(firstRun);
      const store = await ctx.store();
      const records = await store.getMany({ dagIds: 'resetTargetWorkflow', runId: workflowId, taskIds: 'per_run' });
      expect(Object.fromEntries(records.map((r) => [r.key, r.value]))).toEqual({ [`run_${secondRun}`]: secondRun, return_value: secondRun });
      expect(records.every((r) => r.temporalRunId === secondRun)).toBe(true);
    });
  });
});
