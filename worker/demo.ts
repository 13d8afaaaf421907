// `npm run demo`: starts what it needs, runs a seed DAG on an in-process worker, prints the run's XComs, exits.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startServices } from '../services/start-services';
import { XComPlugin } from '../src/plugin';
import { EXAMPLE_ACCESS_POLICY } from './example-access-policy';
import { EXAMPLE_DAGS } from '../workflows/dags';
import { createExampleWorker } from './create-worker';
import { prepareCleanupDemo, printRuns } from './demo-cleanup';
import { DEMO_DAGS, pickDemoDag } from './demo-dags';
import { printRunXComs } from './print-run-xcoms';

async function main(): Promise<void> {
  const dag = pickDemoDag(process.argv.slice(2));
  // The worker's lifecycle lines would bury the table the demo is for.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // Only Temporal is started here; XComs go to DATABASE_URL/S3_* when set, else to embedded PGlite in ./.xcom.
  const services = await startServices({ temporal: true, s3: false, postgres: false });
  try {
    const address = services.env.TEMPORAL_ADDRESS!;
    const plugin = new XComPlugin({ dags: EXAMPLE_DAGS, accessPolicy: EXAMPLE_ACCESS_POLICY });
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    try {
      const taskQueue = `xcom-demo-${randomUUID()}`;
      const worker = await createExampleWorker({ connection: nativeConnection, taskQueue, plugin });
      const client = new Client({ connection, plugins: [plugin] });
      const workflowId = `${dag.dagId}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      process.stdout.write(`Running DAG ${dag.dagId} as workflow ${workflowId} on ${address}\n`);
      await worker.runUntil(async () => {
        if (dag.prepare) await prepareCleanupDemo(client, taskQueue, await plugin.store());
        const result = await client.workflow.execute(dag.workflow, { taskQueue, workflowId, args: [] });
        process.stdout.write(`Workflow result: ${JSON.stringify(result)}\n\n`);
        await printRunXComs(await plugin.store(), dag.dagId, workflowId);
        if (dag.prepare) await printRuns(await plugin.store(), 'after the cleanup');
      });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  } finally {
    await services.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
  process.stderr.write(`available DAGs (--dag):\n${DEMO_DAGS.map((d) => `  ${d.dagId}  ${d.description}`).join('\n')}\n`);
  process.exitCode = 1;
});
