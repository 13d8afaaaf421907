// DAG schedules on the real dev server: Temporal Schedules, logical dates from the schedule, catchup as backfill.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScheduleExecutionResult, ScheduleHandle } from '@temporalio/client';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { createDagSchedule } from '../../src/client/dag-schedule';
import { DagScheduleError } from '../../src/dag/schedule-spec';
import { defineDag } from '../../src/dag/define-dag';
import { XComPlugin } from '../../src/plugin';
import type { XComBackend } from '../../src/store/backend';
import type * as activities from '../fixtures/activities';
import { testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, createTestWorker, uniqueTaskQueue, type TemporalTestEnv } from '../helpers/temporal';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const HOUR = 3_600_000;
const WORKFLOW_TYPE = 'scheduledDagWorkflow';

let database: TestDatabase;
let plugin: XComPlugin;
let env: TemporalTestEnv;
let worker: Worker;
let running: Promise<void>;
let store: XComBackend;
const taskQueue = uniqueTaskQueue('dag-schedule');
const schedules: ScheduleHandle[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  plugin = new XComPlugin({ store: testStoreConfig(database.url) });
  env = await connectTemporal();
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/dag-schedule-workflows'),
    plugins: [plugin],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  worker = await createTestWorker(env, plugin, bundle, { taskQueue });
  running = worker.run();
  store = await plugin.store();
});

afterAll(async () => {
  await Promise.allSettled(schedules.map((handle) => handle.delete()));
  worker?.shutdown();
  await running;
  await plugin?.runtime.close();
  await env?.close();
  await database?.drop();
});

/** A DAG id no other test run on a shared dev server uses. */
const uniqueDagId = (label: string) => `${label}_${randomBytes(4).toString('hex')}`;

/** The schedule's actions once `done` says they are all there, oldest first. */
async function actionsOf(handle: ScheduleHandle, done: (actions: ScheduleExecutionResult[]) => boolean): Promise<ScheduleExecutionResult[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { info } = await handle.describe();
    const actions = [...info.recentActions].sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime());
    if (done(actions)) return actions;
    if (Date.now() > deadline) throw new Error(`schedule ${handle.scheduleId}: gave up waiting; actions so far: ${actions.map((a) => a.scheduledAt.toISOString()).join(', ')}`);
    await sleep(200);
  }
}

/** Waits for each action's workflow and returns the logical date it reported. */
async function resultsOf(actions: ScheduleExecutionResult[]): Promise<string[]> {
  return Promise.all(actions.map((a) => env.client(plugin).workflow.getHandle(a.action.workflow.workflowId).result() as Promise<string>));
}

describe('createDagSchedule (real Temporal dev server, Postgres, MinIO)', () => {
  test('a triggered run records its XComs with the scheduled time as logical date', async () => {
    const dag = defineDag({ dagId: uniqueDagId('triggered'), schedule: '@yearly' }, (d) => void d.tasks<typeof activities>().produce('x'));
    const handle = await createDagSchedule(env.client(plugin), dag, { workflowType: WORKFLOW_TYPE, taskQueue, args: [dag.dagId] });
    schedules.push(handle);
    expect(handle.scheduleId).toBe(dag.dagId);
    const description = await handle.describe();
    expect(description.spec.calendars?.length ?? 0).toBeGreaterThan(0); // the cron became a calendar spec
    expect(description.policies.catchupWindow).toBe(60_000);
    expect(description.policies.overlap).toBe('ALLOW_ALL');
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: WORKFLOW_TYPE, workflowId: dag.dagId, taskQueue });

    await handle.trigger();
    const [action] = await actionsOf(handle, (actions) => actions.length >= 1);
    const [reported] = await resultsOf([action!]);

    // The schedule names the run and stamps TemporalScheduledStartTime at whole seconds.
    const logicalDate = new Date(Math.floor(action!.scheduledAt.getTime() / 1000) * 1000);
    expect(action!.action.workflow.workflowId).toBe(`${dag.dagId}-${logicalDate.toISOString().replace('.000Z', 'Z')}`);
    const [record] = await store.getMany({ dagIds: dag.dagId, taskIds: 'stamp' });
    expect(record).toMatchObject({ runId: action!.action.workflow.workflowId, value: { label: dag.dagId, attempt: 1 } });
    expect(record?.logicalDate?.toISOString()).toBe(logicalDate.toISOString());
    expect(reported).toBe(logicalDate.toISOString());
  });

  test('catchup backfills every run since startDate; includePriorDates reads across them by logical date', async () => {
    const startDate = new Date(Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR);
    const dag = defineDag({ dagId: uniqueDagId('catchup'), schedule: '@hourly', startDate, catchup: true }, () => {});
    const handle = await createDagSchedule(env.client(plugin), dag, { workflowType: WORKFLOW_TYPE, taskQueue, args: [dag.dagId] });
    schedules.push(handle);
    expect((await handle.describe()).spec.startAt?.toISOString()).toBe(startDate.toISOString());

    // Every hour from startDate up to now (a test that crosses the hour also gets that hour's regular run).
    const due = () => Array.from({ length: Math.floor((Date.now() - startDate.getTime()) / HOUR) + 1 }, (_, i) => new Date(startDate.getTime() + i * HOUR).toISOString());
    const actions = await actionsOf(handle, (found) => found.length >= due().length);
    const ticks = due();
    expect(actions.map((a) => a.scheduledAt.toISOString())).toEqual(ticks);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(await resultsOf(actions)).toEqual(ticks);

    const records = await store.getMany({ dagIds: dag.dagId, taskIds: 'stamp' });
    expect(records.map((r) => r.logicalDate?.toISOString())).toEqual([...ticks].reverse());
    expect(records.map((r) => r.runId)).toEqual(actions.map((a) => a.action.workflow.workflowId).reverse());

    // As of the third run: that run and the two before it, newest first.
    const asOf = new Date(ticks[2]!);
    const prior = await store.getMany({ dagIds: dag.dagId, taskIds: 'stamp', includePriorDates: true, asOf });
    expect(prior.map((r) => r.logicalDate?.toISOString())).toEqual([ticks[2], ticks[1], ticks[0]]);
    // The same cutoff found from the run id.
    const byRun = await store.getMany({ dagIds: dag.dagId, taskIds: 'stamp', includePriorDates: true, runId: actions[2]!.action.workflow.workflowId });
    expect(byRun.map((r) => r.runId)).toEqual(prior.map((r) => r.runId));
  });

  test('a DAG without a schedule gets no Temporal Schedule', async () => {
    const manual = defineDag({ dagId: uniqueDagId('manual') }, () => {});
    await expect(createDagSchedule(env.client(plugin), manual, { workflowType: WORKFLOW_TYPE, taskQueue })).rejects.toThrow(
      new DagScheduleError(
        `DAG '${manual.dagId}': schedule is undefined: the DAG runs only when its workflow is started (client.workflow.start), so there is no Temporal Schedule to create`,
      ),
    );
  });

  test('@once runs once, with its start date as the logical date, even when that date has passed', async () => {
    const startDate = new Date('2021-01-01T00:00:00Z');
    const dag = defineDag({ dagId: uniqueDagId('once'), schedule: '@once', startDate, catchup: false, workflowType: WORKFLOW_TYPE, taskQueue }, () => {});
    // The workflow type and task queue come from the DAG's definition.
    const handle = await createDagSchedule(env.client(plugin), dag, { args: [dag.dagId] });
    schedules.push(handle);
    const description = await handle.describe();
    expect(description.state.remainingActions).toBe(1);
    const actions = await actionsOf(handle, (found) => found.length >= 1);
    expect(actions.map((a) => a.scheduledAt.toISOString())).toEqual([startDate.toISOString()]);
    expect(await resultsOf(actions)).toEqual([startDate.toISOString()]);
  });
});
