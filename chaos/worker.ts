// The chaos worker, in a process of its own so the harness (and the worker itself) can SIGKILL it:
// `node --require tsx/cjs chaos/worker.ts`, configured by CHAOS_WORKER (JSON, see ChaosWorkerConfig).
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { XComPlugin } from '../src/plugin';
import * as activities from './activities';
import { attemptInterceptor } from './attempt-interceptor';
import { CHAOS_HISTORY_THRESHOLD_BYTES } from './dag-shape';
import { setUpAttempts } from './attempt-registry';
import { emit } from './events';
import { openKillableStore, type ChaosStoreSettings } from './store-settings';

export interface ChaosWorkerConfig {
  readonly temporalAddress: string;
  readonly taskQueue: string;
  /** The workflow bundle the harness built once (bundling at every restart would cost seconds each). */
  readonly bundlePath: string;
  readonly store: ChaosStoreSettings;
  /** The plugin's background object sweeper, racing the writers with a short grace period. */
  readonly sweep: { readonly intervalMs: number; readonly graceMs: number };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = JSON.parse(process.env.CHAOS_WORKER!) as ChaosWorkerConfig;
  const store = openKillableStore(config.store, config.sweep.graceMs);
  setUpAttempts(store.engine);
  // No cross-DAG waits here: the outbox delivery loop would only cost CPU on a busy machine.
  const plugin = new XComPlugin({ store, delivery: false, objectSweep: config.sweep, historyThresholdBytes: CHAOS_HISTORY_THRESHOLD_BYTES });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue: config.taskQueue,
      workflowBundle: { codePath: config.bundlePath },
      activities,
      plugins: [plugin],
      // Listed before the plugin's interceptor, so it is the outer one: `next` returns after the XCom commit.
      interceptors: { activity: [attemptInterceptor] },
      // After a kill, the workflow's tasks leave the dead worker's sticky queue after a second, not ten.
      stickyQueueScheduleToStartTimeout: '1 second',
      shutdownGraceTime: '2 seconds',
    });
    emit({ e: 'ready' });
    await worker.run();
  } finally {
    await store.close();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos worker: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
