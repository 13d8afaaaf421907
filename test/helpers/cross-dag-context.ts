import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { openXComStore } from '../../src/config/open-store';
import type { StoreConfig } from '../../src/config/store-config';
import type { XComStore } from '../../src/store/xcom-store';
import type { DeliveryOptions } from '../../src/subscriptions/delivery-loop';
import { testStoreConfig, requiredEnv } from './store-fixtures';
import { createTestDatabase, type TestDatabase } from './test-database';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** A test file's database, store, client, and the worker processes it started (DAG A's and DAG B's). */
export interface CrossDagContext {
  readonly database: TestDatabase;
  readonly storeConfig: StoreConfig;
  readonly store: XComStore;
  readonly client: Client;
  /** A worker process for the cross-DAG fixtures on `taskQueue`; stopped by `stopWorkers` or `release`. */
  startWorker(taskQueue: string, options?: { delivery?: false | DeliveryOptions; killAfterCommitType?: string }): Promise<WorkerProcess>;
  stopWorkers(): Promise<void>;
  /** Rows of `xcom.subscriptions` / `xcom.outbox` for a subscriber workflow. */
  subscriptionsOf(workflowId: string): Promise<{ id: number; status: string; wait_id: string }[]>;
  outboxOf(workflowId: string): Promise<{ id: number; status: string; attempts: number; last_error: string | null; run_id: string }[]>;
  release(): Promise<void>;
}

export async function openCrossDagContext(): Promise<CrossDagContext> {
  const database = await createTestDatabase();
  const storeConfig = testStoreConfig(database.url);
  const store = await openXComStore(storeConfig, { migrate: false });
  const connection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS') });
  const client = new Client({ connection });
  const workers: WorkerProcess[] = [];
  return {
    database,
    storeConfig,
    store,
    client,
    async startWorker(taskQueue, options = {}) {
      const worker = await startWorkerProcess({
        taskQueue,
        store: storeConfig,
        suite: 'cross-dag',
        killAfterCommitType: options.killAfterCommitType,
        ...(options.delivery !== undefined && { env: { XCOM_TEST_DELIVERY: JSON.stringify(options.delivery) } }),
      });
      workers.push(worker);
      return worker;
    },
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    },
    subscriptionsOf: (workflowId) =>
      store.engine.query(`select id, status, wait_id from xcom.subscriptions where workflow_id = $1 order by id`, [workflowId]),
    outboxOf: (workflowId) =>
      store.engine.query(
        `select o.id, o.status, o.attempts, o.last_error, o.run_id from xcom.outbox o
           join xcom.subscriptions s on s.id = o.subscription_id where s.workflow_id = $1 order by o.id`,
        [workflowId],
      ),
    async release() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await connection.close();
      await store.close();
      await database.drop();
    },
  };
}

export function uniqueId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
