import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { XComPlugin } from '../../src/plugin';
import * as ordinaryActivities from '../fixtures/ordinary/activities';
import { proceedSignal, stateQuery } from '../fixtures/ordinary/workflows';
import { testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, type TemporalTestEnv } from '../helpers/temporal';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

// A worker that also runs ordinary workflows: installing the plugin must change nothing for them, neither their
// results nor a single field of their histories, and must not touch the XCom store on their way.

const QUIET = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
const workflowsPath = require.resolve('../fixtures/ordinary/workflows');

let env: TemporalTestEnv;
let database: TestDatabase;
let withoutPlugin: WorkflowBundleWithSourceMap;
let plugin: XComPlugin;
let withPlugin: WorkflowBundleWithSourceMap;
let downPlugin: XComPlugin;

beforeAll(async () => {
  env = await connectTemporal();
  database = await createTestDatabase();
  plugin = new XComPlugin({ store: testStoreConfig(database.url) });
  // Port 1 on localhost refuses connections: any store access on the ordinary path would fail the suite.
  downPlugin = new XComPlugin({ store: testStoreConfig('postgres://xcom@127.0.0.1:1/unreachable') });
  withoutPlugin = await bundleWorkflowCode({ workflowsPath, logger: QUIET });
  withPlugin = await bundleWorkflowCode({ workflowsPath, plugins: [plugin], logger: QUIET });
});

afterAll(async () => {
  await plugin.runtime.close();
  await downPlugin.runtime.close();
  await env.close();
  await database.drop();
});

interface SuiteRun {
  readonly result: unknown;
  readonly parent: unknown[];
  readonly child: unknown[];
}

/** Runs the ordinary suite on a fresh worker (with the given plugins) and returns its result and both histories. */
async function runSuite(bundle: WorkflowBundleWithSourceMap, plugins: XComPlugin[]): Promise<SuiteRun> {
  const taskQueue = `ordinary-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.native, taskQueue, workflowBundle: bundle, activities: ordinaryActivities, plugins });
  const client = env.client();
  const workflowId = `ordinary-suite-${randomUUID()}`;
  const result = await worker.runUntil(async () => {
    const handle = await client.workflow.start('ordinarySuite', { taskQueue, workflowId });
    // The signal is sent once the workflow says it waits for it (its query), never after a guessed delay.
    while ((await handle.query(stateQuery)) !== 'waiting') await new Promise((resolve) => setImmediate(resolve));
    await handle.signal(proceedSignal, 'go');
    return handle.result();
  });
  const parentHistory = await client.workflow.getHandle(workflowId).fetchHistory();
  const child = (parentHistory.events ?? []).find((e) => e.childWorkflowExecutionStartedEventAttributes)
    ?.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
  if (!child?.workflowId || !child.runId) throw new Error('the suite started no child workflow');
  // The child's first run: it ends by continuing as new.
  const childHistory = await client.workflow.getHandle(child.workflowId, child.runId).fetchHistory();
  return { result, parent: normalized(parentHistory.events ?? [], taskQueue), child: normalized(childHistory.events ?? [], taskQueue) };
}

/** What differs between two runs of the same code for reasons other than the code: ids, times, the worker. */
const PER_RUN_FIELDS = new Set([
  'eventTime',
  'taskId',
  'identity',
  'requestId',
  'workflowId',
  'runId',
  'originalExecutionRunId',
  'firstExecutionRunId',
  'newExecutionRunId',
  'workflowExecution',
  'historySizeBytes',
  'prevAutoResetPoints',
  'workflowExecutionExpirationTime',
  // The worker's build id hashes its workflow bundle, which holds the plugin's interceptors when it is installed.
  'workerVersion',
]);

/** Events as JSON (payload bytes as base64), with per-run fields removed and the task queue's name replaced. */
function normalized(events: unknown[], taskQueue: string): unknown[] {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node === 'string') return node.split(taskQueue).join('<task queue>');
    if (typeof node !== 'object' || node === null) return node;
    const stripped = Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => !PER_RUN_FIELDS.has(key))
        // The SDK core reports its flags from a hash set: their order is not part of the history's meaning.
        .map(([key, value]) => [key, key.endsWith('UsedFlags') && Array.isArray(value) ? [...(value as number[])].sort() : strip(value)]),
    );
    // A worker's sticky queue is named after the worker.
    return stripped.kind === 'TASK_QUEUE_KIND_STICKY' ? { ...stripped, name: '<sticky queue>' } : stripped;
  };
  return events.map((event) => strip(JSON.parse(JSON.stringify(event))));
}

describe('ordinary workflows on a worker with the plugin (real Temporal)', () => {
  let baseline: SuiteRun;

  beforeAll(async () => {
    baseline = await runSuite(withoutPlugin, []);
  });

  test('the suite itself: a 300 KiB string, a class instance, a function property, a failure, a child that continues as new, a signal', () => {
    expect(baseline.result).toEqual({
      bigLength: 300 * 1024,
      bigIsString: true,
      greeting: { text: 'hello', to: 'world' },
      withFunction: { name: 'report', rows: [1, null, 3] },
      failure: { type: 'OrdinaryFailure', message: 'failing on purpose: on purpose', details: [{ reason: 'on purpose' }] },
      child: 1000,
      word: 'go',
    });
    const types = baseline.parent.map((e) => (e as { eventType: string }).eventType);
    expect(types).toContain('EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED');
    expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    expect(types.filter((t) => t === 'EVENT_TYPE_ACTIVITY_TASK_FAILED')).toHaveLength(1);
    const childTypes = baseline.child.map((e) => (e as { eventType: string }).eventType);
    expect(childTypes.at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
  });

  test('with the plugin: identical results and histories, and nothing recorded', async () => {
    const run = await runSuite(withPlugin, [plugin]);
    expect(run.result).toEqual(baseline.result);
    expect(run.parent).toEqual(baseline.parent);
    expect(run.child).toEqual(baseline.child);
    expect(await (await plugin.store()).count({})).toBe(0);
  });

  test('with the plugin and its database down: still identical (the store is not on their path)', async () => {
    const run = await runSuite(withPlugin, [downPlugin]);
    expect(run.result).toEqual(baseline.result);
    expect(run.parent).toEqual(baseline.parent);
    expect(run.child).toEqual(baseline.child);
  });
});
