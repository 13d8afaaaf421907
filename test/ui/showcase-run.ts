import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { StoreConfig } from '../../src/config/store-config';
import { XComPlugin } from '../../src/plugin';
import { testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, createTestWorker, uniqueTaskQueue } from '../helpers/temporal';
import { createTestDatabase } from '../helpers/test-database';
import * as uiActivities from './fixtures/ui-activities';
import { SHOWCASE_DAG } from './fixtures/ui-workflows';

export interface ShowcaseRun {
  readonly dagId: string;
  readonly runId: string;
  /** The environment `xcom ui` needs to open the same store (database and S3 prefix). */
  readonly cliEnv: NodeJS.ProcessEnv;
  readonly storeConfig: StoreConfig;
  release(): Promise<void>;
}

/** Runs the showcase DAG on the real services (Temporal, a Postgres test database, MinIO) and returns where it is. */
export async function runShowcase(rowCount: number): Promise<ShowcaseRun> {
  const database = await createTestDatabase();
  const storeConfig = testStoreConfig(database.url);
  const plugin = new XComPlugin({ store: storeConfig });
  const env = await connectTemporal();
  try {
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/ui-workflows'),
      plugins: [plugin],
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    const taskQueue = uniqueTaskQueue('ui');
    const worker = await createTestWorker(env, plugin, bundle, { taskQueue, activities: uiActivities });
    const runId = `ui-showcase-${randomUUID()}`;
    await worker.runUntil(
      env.client(plugin).workflow.execute('uiShowcaseWorkflow', { taskQueue, workflowId: runId, args: [rowCount, '2026-03-01T00:00:00Z'] }),
    );
    const objects = storeConfig.objects;
    if (objects.kind !== 's3') throw new Error('the showcase runs on MinIO');
    const cliEnv = {
      DATABASE_URL: database.url,
      XCOM_SCHEMA: storeConfig.schema,
      S3_ENDPOINT: objects.endpoint,
      S3_BUCKET: objects.bucket,
      S3_PREFIX: objects.prefix,
      S3_REGION: objects.region,
      S3_ACCESS_KEY_ID: objects.credentials?.accessKeyId,
      S3_SECRET_ACCESS_KEY: objects.credentials?.secretAccessKey,
    };
    return {
      dagId: SHOWCASE_DAG,
      runId,
      cliEnv,
      storeConfig,
      async release() {
        await plugin.runtime.close();
        await env.close();
        await database.drop();
      },
    };
  } catch (err) {
    await plugin.runtime.close();
    await env.close();
    await database.drop();
    throw err;
  }
}
