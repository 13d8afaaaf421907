import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { XComPlugin } from '../../src/plugin';
import * as exampleActivities from '../../activities/examples';
import * as testActivities from '../fixtures/activities';
import { requiredEnv } from './store-fixtures';

/** Connections to the dev server globalSetup started; close them in afterAll. */
export interface TemporalTestEnv {
  readonly native: NativeConnection;
  readonly connection: Connection;
  client(plugin?: XComPlugin): Client;
  close(): Promise<void>;
}

export async function connectTemporal(): Promise<TemporalTestEnv> {
  const address = requiredEnv('TEMPORAL_ADDRESS');
  const native = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  return {
    native,
    connection,
    client: (plugin) => new Client({ connection, plugins: plugin ? [plugin] : [] }),
    close: async () => {
      await connection.close();
      await native.close();
    },
  };
}

export function uniqueTaskQueue(label: string): string {
  return `${label}-${randomUUID()}`;
}

/** The test workflows bundled once per plugin instance (bundling takes seconds). */
export function bundleTestWorkflows(plugin: XComPlugin): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/workflows'),
    plugins: [plugin],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
}

export function createTestWorker(
  env: TemporalTestEnv,
  plugin: XComPlugin,
  bundle: WorkflowBundleWithSourceMap,
  options: Partial<WorkerOptions> & { taskQueue: string },
): Promise<Worker> {
  return Worker.create({
    connection: env.native,
    workflowBundle: bundle,
    activities: { ...testActivities, ...exampleActivities },
    plugins: [plugin],
    ...options,
  });
}
