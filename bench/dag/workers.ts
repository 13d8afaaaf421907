import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { XComPlugin } from '../../src/plugin';
import * as activities from './activities';
import { MAX_ACTIVE_TASKS } from './dags';
import type { TemporalBenchEnv } from '../lib/temporal-bench-env';

/** Worker settings shared by every side, so only the plugin and the workflow code differ. */
export const WORKER_SETTINGS = {
  /** As many activity slots as the runner's `maxActiveTasks`: neither cap binds before the other. */
  maxConcurrentActivityTaskExecutions: MAX_ACTIVE_TASKS,
  /** One workflow runs at a time; the cache keeps it sticky across its workflow tasks. */
  maxCachedWorkflows: 100,
} as const satisfies Partial<WorkerOptions>;

/** One way of running the bench workflows: its own task queue, worker and client. */
export interface Side {
  readonly label: string;
  readonly taskQueue: string;
  readonly client: Client;
}

export interface DagBenchWorkers {
  /** The plugin on worker, bundle and client. */
  readonly xcom: Side;
  /** No plugin, default data converter. */
  readonly bare: Side;
  /** The bench workflows bundled with the plugin's workflow interceptors (for replays). */
  readonly pluginBundle: WorkflowBundleWithSourceMap;
  /** Runs `fn` while both workers poll. */
  runWhile<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const QUIET_BUNDLER = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** Bundles the bench workflows with and without the plugin and builds both workers on one native connection. */
export async function createDagBenchWorkers(env: TemporalBenchEnv, plugin: XComPlugin, tag: string): Promise<DagBenchWorkers> {
  const workflowsPath = require.resolve('./workflows');
  const withPlugin = await bundleWorkflowCode({ workflowsPath, plugins: [plugin], logger: QUIET_BUNDLER });
  const withoutPlugin = await bundleWorkflowCode({ workflowsPath, logger: QUIET_BUNDLER });
  const native = await NativeConnection.connect({ address: env.temporalAddress });
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const queue = (name: string) => `bench-dag-${name}-${tag}`;
    const worker = (taskQueue: string, bundle: WorkflowBundleWithSourceMap, extra: Partial<WorkerOptions>) =>
      Worker.create({ connection: native, taskQueue, workflowBundle: bundle, activities, ...WORKER_SETTINGS, ...extra });
    const xcomWorker = await worker(queue('xcom'), withPlugin, { plugins: [plugin] });
    const bareWorker = await worker(queue('bare'), withoutPlugin, {});
    return {
      xcom: { label: 'plugin', taskQueue: queue('xcom'), client: new Client({ connection, plugins: [plugin] }) },
      bare: { label: 'no plugin', taskQueue: queue('bare'), client: new Client({ connection }) },
      pluginBundle: withPlugin,
      runWhile: (fn) => xcomWorker.runUntil(() => bareWorker.runUntil(fn)),
      async close() {
        await connection.close();
        await native.close();
      },
    };
  } catch (err) {
    await connection.close();
    await native.close();
    throw err;
  }
}
