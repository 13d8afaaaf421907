import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { s3ClientFor } from '../../services/s3-bucket';
import type { XComPlugin } from '../../src/plugin';
import * as activities from './activities';
import { s3ExternalStorage, type S3CallCounts } from './external-storage';
import type { OverheadEnv } from './env';

/** One way of running the bench workflows: its own task queue, worker and client. */
export interface Side {
  readonly label: string;
  readonly taskQueue: string;
  readonly client: Client;
}

export interface BenchWorkers {
  /** The plugin on worker, bundle and client. */
  readonly xcom: Side;
  /** No plugin, default data converter. */
  readonly bare: Side;
  /** No plugin; Temporal's External Storage with the S3 driver on worker and client. */
  readonly externalStorage: Side & { readonly counts: S3CallCounts };
  /** Runs `fn` while all three workers poll. */
  runWhile<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const QUIET_BUNDLER = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/**
 * Bundles the bench workflows twice (with and without the plugin's workflow interceptors) and builds the three
 * workers on one native connection, each on its own task queue.
 */
export async function createBenchWorkers(env: OverheadEnv, plugin: XComPlugin, maxPayloadBytes: number, tag: string): Promise<BenchWorkers> {
  const workflowsPath = require.resolve('./workflows');
  const [withPlugin, withoutPlugin] = [
    await bundleWorkflowCode({ workflowsPath, plugins: [plugin], logger: QUIET_BUNDLER }),
    await bundleWorkflowCode({ workflowsPath, logger: QUIET_BUNDLER }),
  ];
  const native = await NativeConnection.connect({ address: env.temporalAddress });
  const connection = await Connection.connect({ address: env.temporalAddress });
  const s3 = s3ClientFor(env.s3);
  try {
    // Room for the value plus its payload encoding (metadata and protobuf framing).
    const { storage, counts } = s3ExternalStorage(s3, env.externalStorageBucket, maxPayloadBytes + 1024 * 1024);
    const queue = (name: string) => `bench-overhead-${name}-${tag}`;
    const worker = (taskQueue: string, bundle: WorkflowBundleWithSourceMap, extra: Partial<Parameters<typeof Worker.create>[0]>) =>
      Worker.create({ connection: native, taskQueue, workflowBundle: bundle, activities, ...extra });
    const workers = [
      await worker(queue('xcom'), withPlugin, { plugins: [plugin] }),
      await worker(queue('bare'), withoutPlugin, {}),
      // The driver swaps payloads for claims before the size checks would matter; the SDK recommends this flag
      // whenever External Storage changes payload sizes.
      await worker(queue('es'), withoutPlugin, { dataConverter: { externalStorage: storage }, disablePayloadErrorLimit: true }),
    ];
    return {
      xcom: { label: 'XComRef (plugin)', taskQueue: queue('xcom'), client: new Client({ connection, plugins: [plugin] }) },
      bare: { label: 'no plugin', taskQueue: queue('bare'), client: new Client({ connection }) },
      externalStorage: {
        label: 'External Storage (S3 driver)',
        taskQueue: queue('es'),
        client: new Client({ connection, dataConverter: { externalStorage: storage } }),
        counts,
      },
      runWhile: (fn) => runAll(workers, fn),
      async close() {
        s3.destroy();
        await connection.close();
        await native.close();
      },
    };
  } catch (err) {
    s3.destroy();
    await connection.close();
    await native.close();
    throw err;
  }
}

/** `fn` while every worker runs; each stops (in reverse order) when it settles. */
export function runAll<T>(workers: readonly Worker[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = workers;
  return first ? first.runUntil(() => runAll(rest, fn)) : fn();
}
