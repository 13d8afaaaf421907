// Masking in logs and errors (issue 10, item 6): values under sensitive names never reach a worker's log output or
// the failures recorded in Temporal's history, while the tasks themselves receive them whole. The worker runs in its
// own process at DEBUG level so every line it prints, ours and the SDK's, is read.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';
import { uniqueTaskQueue } from '../helpers/temporal';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const SECRETS = ['password', 'api-key', 'access-token', 'beside-cycle', 'in-instance', 'param'].map(
  (what) => `${what}-secret-${randomUUID()}`,
);

let ctx: PluginContext;
let worker: WorkerProcess;
let taskQueue: string;

beforeAll(async () => {
  ctx = await openPluginContext();
  taskQueue = uniqueTaskQueue('masked-logs');
  worker = await startWorkerProcess({ taskQueue, store: ctx.storeConfig, suite: 'masking', env: { XCOM_TEST_LOG_LEVEL: 'DEBUG' } });
});

afterAll(async () => {
  await worker?.stop();
  await ctx?.release();
});

const leaked = (text: string) => SECRETS.filter((secret) => text.includes(secret));

/** Every failure message in a workflow's history (activity and workflow failures, with their causes). */
async function failureMessages(workflowId: string): Promise<string> {
  const history = await ctx.env.client(ctx.plugin).workflow.getHandle(workflowId).fetchHistory();
  const failures: unknown[] = [];
  for (const event of history.events ?? []) {
    const failure =
      event.activityTaskFailedEventAttributes?.failure ?? event.workflowExecutionFailedEventAttributes?.failure ?? event.workflowTaskFailedEventAttributes?.failure;
    if (failure) failures.push(failure);
  }
  return JSON.stringify(failures);
}

test('secrets handed to the plugin under sensitive names appear in no log line and no failure', async () => {
  const client = ctx.env.client(ctx.plugin);
  const probeId = `leak-probe-${randomUUID()}`;
  const failures = (await client.workflow.execute('leakProbe', { taskQueue, workflowId: probeId, args: [SECRETS] })) as string[];

  const paramsId = `sensitive-params-${randomUUID()}`;
  const run = client.workflow.execute('sensitiveParamsWorkflow', { taskQueue, workflowId: paramsId, args: [{ api_key: SECRETS[5] }] });
  const paramsFailure = await run.then(() => undefined, (err: unknown) => err);
  expect(paramsFailure).toBeInstanceOf(WorkflowFailedError);

  // The probe reached every path it was meant to: the reader saw the values, one task failed naming the path of the
  // cycle, another was recorded with a warning naming the instance's path, the param was refused by name.
  const store = await ctx.store();
  expect((await store.get({ dagId: 'leakProbe', runId: probeId, taskId: 'reader', key: 'return_value' }))?.value).toBe(true);
  expect(failures).toHaveLength(1);
  expect(failures[0]).toMatch(/\$\.rows\[0\]\.self/);
  const output = worker.output();
  expect(output).toMatch(/task 'in_instance' of DAG 'leakProbe' returned .* at \$\.token/);
  const paramsText = await failureMessages(paramsId);
  expect(paramsText).toMatch(/api_key/);

  expect({ leakedInLogs: leaked(output) }).toEqual({ leakedInLogs: [] });
  expect({ leakedInFailures: leaked(JSON.stringify(failures) + (await failureMessages(probeId)) + paramsText) }).toEqual({ leakedInFailures: [] });
  expect({ leakedInError: leaked(String(paramsFailure) + String((paramsFailure as { cause?: unknown }).cause)) }).toEqual({ leakedInError: [] });
});
