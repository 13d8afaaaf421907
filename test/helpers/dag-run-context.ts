import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DagRunSnapshot } from '../../src/common/dag-run-snapshot';
import { XComPlugin, type XComPluginOptions } from '../../src/plugin';
import type { XComBackend } from '../../src/store/backend';
import { testStoreConfig } from './store-fixtures';
import { connectTemporal, createTestWorker, uniqueTaskQueue, type TemporalTestEnv } from './temporal';
import { createTestDatabase } from './test-database';

/** One XCom as Airflow's xcom table lists it. */
export interface XComRow {
  readonly taskId: string;
  readonly mapIndex: number;
  readonly key: string;
  readonly value: unknown;
}

/** A test file's database, plugin and workflow bundle for DAG runs (a workflowsPath of its own). */
export interface DagRunContext {
  readonly env: TemporalTestEnv;
  readonly plugin: XComPlugin;
  readonly bundle: WorkflowBundleWithSourceMap;
  store(): Promise<XComBackend>;
  /** Runs `body` while a fresh worker polls a fresh task queue (so workflows a run starts there run too). */
  whileWorking<T>(body: (client: Client, taskQueue: string) => Promise<T>, worker?: Partial<WorkerOptions>): Promise<T>;
  /** Runs a DAG workflow to success; returns its id (the DAG run id) and snapshot. */
  run(workflow: string, args?: unknown[]): Promise<{ runId: string; snapshot: DagRunSnapshot }>;
  /** Runs a DAG workflow that fails; returns the ApplicationFailure it failed with. */
  runFailing(workflow: string, args?: unknown[]): Promise<ApplicationFailure>;
  /** Every XCom of a run, ordered as Airflow's API lists them: task, map index, key. */
  xcomTable(dagId: string, runId: string): Promise<XComRow[]>;
  release(): Promise<void>;
}

export async function openDagRunContext(workflowsPath: string, options: Partial<XComPluginOptions> = {}, activities?: object): Promise<DagRunContext> {
  const database = await createTestDatabase();
  const plugin = new XComPlugin({ store: testStoreConfig(database.url), ...options });
  const env = await connectTemporal();
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    plugins: [plugin],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const whileWorking: DagRunContext['whileWorking'] = async (body, worker = {}) => {
    const taskQueue = uniqueTaskQueue('dag-run');
    const w = await createTestWorker(env, plugin, bundle, { taskQueue, ...(activities && { activities }), ...worker });
    return w.runUntil(body(env.client(plugin), taskQueue));
  };
  const execute = (workflow: string, args: unknown[]) =>
    whileWorking(async (client, taskQueue) => {
      const runId = `${workflow}-${randomUUID()}`;
      return { runId, snapshot: await client.workflow.execute<(...a: unknown[]) => Promise<DagRunSnapshot>>(workflow, { taskQueue, workflowId: runId, args }) };
    });
  return {
    env,
    plugin,
    bundle,
    store: () => plugin.store(),
    whileWorking,
    run: (workflow, args = []) => execute(workflow, args),
    async runFailing(workflow, args = []) {
      const failure = await execute(workflow, args).then(
        () => undefined,
        (err: unknown) => err,
      );
      if (!(failure instanceof WorkflowFailedError)) throw new Error(`expected ${workflow} to fail, got ${String(failure)}`);
      return failure.cause as ApplicationFailure;
    },
    async xcomTable(dagId, runId) {
      const records = await (await plugin.store()).getMany({ dagIds: dagId, runId });
      return records
        .map(({ taskId, mapIndex, key, value }) => ({ taskId, mapIndex, key, value }))
        .sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : a.mapIndex - b.mapIndex || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
    },
    async release() {
      await plugin.runtime.close();
      await env.close();
      await database.drop();
    },
  };
}

/** Each task's state in a snapshot. */
export const taskStates = (snapshot: DagRunSnapshot): Record<string, string> =>
  Object.fromEntries(Object.entries(snapshot.tasks).map(([id, t]) => [id, t.state]));
