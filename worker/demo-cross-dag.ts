// `npm run demo:cross-dag`: two DAGs, one waiting for the other's XCom through signals. Starts a Temporal dev server
// (unless TEMPORAL_ADDRESS is set), keeps XComs in the embedded store (unless DATABASE_URL / S3_* say otherwise),
// starts revenue_report (it waits), then orders_etl (it produces), prints both runs' XComs, and exits.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as tasks from '../activities/examples/cross-dag-demo';
import { startServices } from '../services/start-services';
import { XComPlugin } from '../src/plugin';
import { EXAMPLE_ACCESS_POLICY } from './example-access-policy';
import { SubscriptionStore } from '../src/subscriptions/subscription-store';
import { ORDERS_ETL, REVENUE_REPORT } from '../workflows/cross-dag-demo';
import { printRunXComs } from './print-run-xcoms';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const services = await startServices({ temporal: true, s3: false, postgres: false });
  try {
    const address = services.env.TEMPORAL_ADDRESS!;
    // revenue_report reads orders_etl's XComs: the policy grants it (worker/example-access-policy.ts).
    const plugin = new XComPlugin({ accessPolicy: EXAMPLE_ACCESS_POLICY });
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    try {
      const taskQueue = `xcom-demo-cross-dag-${randomUUID()}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowsPath: require.resolve('../workflows/cross-dag-demo'),
        activities: tasks,
        plugins: [plugin],
      });
      const client = new Client({ connection, plugins: [plugin] });
      // Open (and on first use create) the store before any workflow needs it.
      await plugin.store();
      const day = new Date().toISOString().slice(0, 10);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const etlRunId = `${ORDERS_ETL}-${stamp}`;
      const reportRunId = `${REVENUE_REPORT}-${stamp}`;
      await worker.runUntil(async () => {
        process.stdout.write(`Starting ${REVENUE_REPORT} (${reportRunId}): it waits for ${ORDERS_ETL}'s summarize XCom\n`);
        const report = await client.workflow.start('revenueReport', {
          taskQueue,
          workflowId: reportRunId,
          args: [{ day, etlRunId }],
        });
        await waitUntilSubscribed(plugin, reportRunId);
        process.stdout.write(`${REVENUE_REPORT} is waiting (subscription registered); starting ${ORDERS_ETL} (${etlRunId})\n`);
        const etl = await client.workflow.execute('ordersEtl', { taskQueue, workflowId: etlRunId, args: [day] });
        process.stdout.write(`${ORDERS_ETL} result: ${JSON.stringify(etl)}\n`);
        process.stdout.write(`${REVENUE_REPORT} result: ${JSON.stringify(await report.result())}\n\n`);
        const store = await plugin.store();
        await printRunXComs(store, ORDERS_ETL, etlRunId);
        process.stdout.write('\n');
        await printRunXComs(store, REVENUE_REPORT, reportRunId);
      });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  } finally {
    await services.stop();
  }
}

/** Starting the producer only once the waiter is registered shows the signal path (not a value already there). */
async function waitUntilSubscribed(plugin: XComPlugin, workflowId: string): Promise<void> {
  const subscriptions = SubscriptionStore.of(await plugin.store());
  for (let i = 0; i < 600; i++) {
    const rows = await subscriptions.engine.query(
      `select 1 from ${subscriptions.schema}.subscriptions where workflow_id = $1 and status = 'active'`,
      [workflowId],
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${workflowId} never registered its wait`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo:cross-dag failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
