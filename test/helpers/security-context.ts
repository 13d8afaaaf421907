import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { StoreConfig } from '../../src/config/store-config';
import { XComPlugin, type XComPluginOptions } from '../../src/plugin';
import * as activities from '../fixtures/security/activities';
import { testStoreConfig } from './store-fixtures';
import { connectTemporal, type TemporalTestEnv } from './temporal';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A worker of the security fixtures with its own plugin options (keys, policy), on its own task queue. */
export interface SecurityWorker {
  readonly plugin: XComPlugin;
  readonly taskQueue: string;
  /** Runs a workflow to completion while this worker runs (started by `client`, default one with the plugin). */
  run<R>(workflowType: string, args: unknown[], workflowId?: string, client?: Client): Promise<{ workflowId: string; result: R }>;
}

export interface SecurityContext {
  readonly env: TemporalTestEnv;
  readonly database: TestDatabase;
  readonly storeConfig: StoreConfig;
  /** A worker whose plugin has exactly these security options (no policy from the environment). */
  worker(options?: Pick<XComPluginOptions, 'accessPolicy' | 'signingKeys'>): Promise<SecurityWorker>;
  release(): Promise<void>;
}

export async function openSecurityContext(): Promise<SecurityContext> {
  const database = await createTestDatabase();
  const storeConfig = testStoreConfig(database.url);
  const env = await connectTemporal();
  const plugins: XComPlugin[] = [];
  let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
  return {
    env,
    database,
    storeConfig,
    async worker(options = {}) {
      // `accessPolicy: {}` by default: the defaults only, whatever XCOM_ACCESS_POLICY the test run has.
      const plugin = new XComPlugin({ store: storeConfig, accessPolicy: {}, ...options });
      plugins.push(plugin);
      bundle ??= bundleWorkflowCode({
        workflowsPath: require.resolve('../fixtures/security/workflows'),
        plugins: [plugin],
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
      });
      const taskQueue = `security-${randomUUID()}`;
      const workflowBundle = await bundle;
      return {
        plugin,
        taskQueue,
        async run<R>(workflowType: string, args: unknown[], workflowId = `${workflowType}-${randomUUID()}`, client = env.client(plugin)) {
          // A worker runs once: each workflow gets a fresh one on the same task queue.
          const worker = await Worker.create({ connection: env.native, taskQueue, workflowBundle, activities, plugins: [plugin] });
          const result = await worker.runUntil(client.workflow.execute<(...a: unknown[]) => Promise<R>>(workflowType, { taskQueue, workflowId, args }));
          return { workflowId, result };
        },
      };
    },
    async release() {
      for (const plugin of plugins) await plugin.runtime.close();
      await env.close();
      await database.drop();
    },
  };
}
