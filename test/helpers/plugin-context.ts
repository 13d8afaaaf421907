import { randomUUID } from 'node:crypto';
import type { WorkflowBundleWithSourceMap, WorkerOptions } from '@temporalio/worker';
import type { StoreConfig } from '../../src/config/store-config';
import { XComPlugin, type XComPluginOptions } from '../../src/plugin';
import type { XComBackend } from '../../src/store/backend';
import { RECORDING_TEST_OPTIONS } from './recording-options';
import { testStoreConfig } from './store-fixtures';
import { bundleTestWorkflows, connectTemporal, createTestWorker, uniqueTaskQueue, type TemporalTestEnv } from './temporal';
import { createTestDatabase, type TestDatabase } from './test-database';

/** Everything a Temporal integration test file needs: a database, MinIO, the dev server, a plugin and a bundle. */
export interface PluginContext {
  readonly env: TemporalTestEnv;
  readonly plugin: XComPlugin;
  readonly bundle: WorkflowBundleWithSourceMap;
  readonly database: TestDatabase;
  readonly storeConfig: StoreConfig;
  store(): Promise<XComBackend>;
  /** Runs a workflow to completion on a fresh worker and task queue; returns its id and result. */
  run<R>(workflow: string, args?: unknown[], worker?: Partial<WorkerOptions>): Promise<{ workflowId: string; result: R }>;
  /** Starts a workflow and returns its id, while the given worker (or none) runs. */
  release(): Promise<void>;
}

export async function openPluginContext(options: Partial<XComPluginOptions> = {}, store: Partial<StoreConfig> = {}): Promise<PluginContext> {
  const database = await createTestDatabase();
  const storeConfig = testStoreConfig(database.url, store);
  const plugin = new XComPlugin({ store: storeConfig, ...RECORDING_TEST_OPTIONS, ...options });
  const env = await connectTemporal();
  const bundle = await bundleTestWorkflows(plugin);
  return {
    env,
    plugin,
    bundle,
    database,
    storeConfig,
    store: () => plugin.store(),
    async run<R>(workflow: string, args: unknown[] = [], worker: Partial<WorkerOptions> = {}) {
      const taskQueue = uniqueTaskQueue(workflow);
      const w = await createTestWorker(env, plugin, bundle, { taskQueue, ...worker });
      const workflowId = `${workflow}-${randomUUID()}`;
      const result = await w.runUntil(env.client(plugin).workflow.execute<(...a: unknown[]) => Promise<R>>(workflow, { taskQueue, workflowId, args }));
      return { workflowId, result };
    },
    async release() {
      await plugin.runtime.close();
      await env.close();
      await database.drop();
    },
  };
}
