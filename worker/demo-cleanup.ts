// `npm run demo -- --dag xcom_cleanup_dag`: creates runs to clean up first, then shows what the cleanup DAG removed.
import type { Client } from '@temporalio/client';
import { createValueCodec } from '../src/codec/value-codec';
import type { XComBackend } from '../src/store/backend';
import { XComStore } from '../src/store/xcom-store';

const HOUR = 3_600_000;
/** Hours back from now: four runs older than the cleanup's 7 days, then fourteen twelve hours apart. */
const RUN_AGES = [264, 240, 216, 192, ...Array.from({ length: 14 }, (_, i) => 156 - 12 * i)];

/**
 * Eighteen runs of `xcom_taskflow_example`: four are older than the cleanup's 7 days, and of the fourteen younger
 * ones only the newest 10 are kept. Plus one large entry written uncompressed (as a store with
 * `XCOM_COMPRESSION=none` would) for the compress step to move.
 */
export async function prepareCleanupDemo(client: Client, taskQueue: string, store: XComBackend): Promise<void> {
  process.stdout.write(`Creating ${RUN_AGES.length} runs of xcom_taskflow_example, up to 11 days old\n`);
  for (const hours of RUN_AGES) {
    const logicalDate = new Date(Date.now() - hours * HOUR).toISOString();
    await client.workflow.execute('xcomTaskflowExample', {
      taskQueue,
      workflowId: `xcom_taskflow_example-demo-${logicalDate.slice(0, 13)}h-${Date.now()}`,
      args: [{ logicalDate }],
    });
  }
  if (store instanceof XComStore) {
    const uncompressed = new XComStore({ engine: store.engine, objectStore: store.objectStore, codec: createValueCodec({ compression: 'none' }) });
    await uncompressed.set({
      dagId: 'xcom_taskflow_example',
      runId: 'manual__uncompressed',
      taskId: 'report',
      key: 'return_value',
      value: 'daily revenue by region; '.repeat(1200),
      attempt: 0,
    });
  }
  await printRuns(store, 'before the cleanup');
}

/** The runs left, newest first. */
export async function printRuns(store: XComBackend, when: string): Promise<void> {
  if (!(store instanceof XComStore)) return;
  const { runs } = await store.listRuns({ dagId: 'xcom_taskflow_example', limit: 100 });
  process.stdout.write(`\nRuns of xcom_taskflow_example ${when}: ${runs.length}\n`);
  for (const run of runs) {
    const date = (run.logicalDate ?? run.createdAt).toISOString().slice(0, 16).replace('T', ' ');
    process.stdout.write(`  ${date}  ${run.runId.padEnd(60)} ${String(run.entries).padStart(3)} entries ${run.bytes} bytes\n`);
  }
  process.stdout.write('\n');
}
