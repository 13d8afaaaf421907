import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { isXComRef } from '../../src/common/xcom-ref';
import { XComPlugin } from '../../src/plugin';
import * as ordinaryActivities from '../fixtures/ordinary/activities';
import { testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, type TemporalTestEnv } from '../helpers/temporal';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

// Which workflows the plugin records: those that opt in (setDagRun, withTask, runDag, ...) or whose type the options
// list. What a recorded workflow gets back: what Temporal would have given it, below Temporal's payload limit.

const QUIET = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

let env: TemporalTestEnv;
let database: TestDatabase;
let plugin: XComPlugin;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await connectTemporal();
  database = await createTestDatabase();
  plugin = new XComPlugin({ store: testStoreConfig(database.url), recordWorkflowTypes: ['listedWorkflow'] });
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../fixtures/ordinary/scope-workflows'), plugins: [plugin], logger: QUIET });
});

afterAll(async () => {
  await plugin.runtime.close();
  await env.close();
  await database.drop();
});

async function run<R>(workflow: string, on: XComPlugin = plugin): Promise<{ workflowId: string; result: R }> {
  const taskQueue = `scope-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.native, taskQueue, workflowBundle: bundle, activities: ordinaryActivities, plugins: [on] });
  const workflowId = `${workflow}-${randomUUID()}`;
  const result = await worker.runUntil(env.client().workflow.execute<() => Promise<R>>(workflow, { taskQueue, workflowId }));
  return { workflowId, result };
}

const entries = async (dagId: string, runId: string) =>
  Object.fromEntries((await (await plugin.store()).getMany({ dagId, runId })).map((r) => [`${r.taskId}:${r.key}`, r.value]));

describe('which workflows are recorded (real Temporal, Postgres, MinIO)', () => {
  test('a listed workflow type is recorded from its start; its 300 KiB result still reaches it as the string', async () => {
    const { workflowId, result } = await run<{ big: unknown; greeting: unknown }>('listedWorkflow');
    expect(typeof result.big).toBe('string');
    expect((result.big as string).length).toBe(300 * 1024);
    expect(result.greeting).toEqual({ text: 'hello', to: 'listed' });
    const recorded = await entries('listedWorkflow', workflowId);
    expect(Object.keys(recorded).sort()).toEqual(['bigString:return_value', 'greeting:return_value']);
    // The class instance is recorded as Temporal sends it: its enumerable fields.
    expect(recorded['greeting:return_value']).toEqual({ text: 'hello', to: 'listed' });
    expect(recorded['bigString:return_value']).toBe(result.big);
  });

  test('setDagRun opts in from where it is called; a function property is dropped, as Temporal drops it', async () => {
    const { workflowId, result } = await run<Record<string, unknown>>('optsInMidway');
    expect(result).toEqual({
      before: { text: 'hello', to: 'before' },
      after: { text: 'hello', to: 'after' },
      fn: { name: 'report', rows: [1, null, 3] },
    });
    // Only what ran after setDagRun: the first greeting is not there, and the second took the default task id.
    expect(await entries('optsInMidway', workflowId)).toEqual({
      'greeting:return_value': { text: 'hello', to: 'after' },
      'withFunction:return_value': { name: 'report', rows: [1, null, 3] },
    });
  });

  test('an opted-in workflow stays recorded across continue-as-new', async () => {
    const { workflowId, result } = await run<unknown>('continuesAfterOptIn');
    expect(result).toEqual({ text: 'hello', to: 'second' });
    expect(await entries('continuesAfterOptIn', workflowId)).toEqual({
      'greeting:return_value': { text: 'hello', to: 'first' },
      'greeting__1:return_value': { text: 'hello', to: 'second' },
    });
  });

  test('withTask opts in; a result below the payload limit arrives as itself unless the task asked for a ref', async () => {
    const { result } = await run<{ bigIsString: boolean; bigLength: number; asRef: unknown }>('withTaskWorkflow');
    expect(result.bigIsString).toBe(true);
    expect(result.bigLength).toBe(300 * 1024);
    expect(isXComRef(result.asRef)).toBe(true);
  });

  test('a workflow that neither opts in nor is listed records nothing', async () => {
    const { workflowId, result } = await run<unknown>('plainGreeting');
    expect(result).toEqual({ text: 'hello', to: 'plain' });
    expect(await (await plugin.store()).count({ runId: workflowId })).toBe(0);
  });

  test('with the database down, a recorded task fails naming XCom, the database and DATABASE_URL', async () => {
    const down = new XComPlugin({ store: testStoreConfig('postgres://xcom@127.0.0.1:1/unreachable'), recordWorkflowTypes: ['listedWorkflow'] });
    try {
      const failure = await run('listedWorkflow', down).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause?.cause as { type?: string; message: string };
      expect(cause.type).toBe('XComStoreUnavailableError');
      expect(cause.message).toMatch(/^XCom store unavailable: cannot reach its Postgres database at postgres:\/\/xcom@127\.0\.0\.1:1\/unreachable/);
      expect(cause.message).toContain('ECONNREFUSED');
      expect(cause.message).toContain('DATABASE_URL');
    } finally {
      await down.runtime.close();
    }
  });
});
