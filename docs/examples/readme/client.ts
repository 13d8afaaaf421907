// client.ts — start a run, then read its XComs from outside any workflow
import { Client, Connection } from '@temporalio/client';
import { XComClient } from 'temporal-xcom';

async function main(): Promise<void> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const workflowId = `etl-${Date.now()}`;
  const result = await new Client({ connection }).workflow.execute('etl', { taskQueue: 'etl', workflowId });
  console.log(`etl returned ${String(result)}`);

  const xcoms = await XComClient.open(); // the same DATABASE_URL / S3_* / XCOM_* as the worker
  try {
    for (const entry of await xcoms.list({ dagId: 'etl', runId: workflowId })) {
      console.log(entry.taskId, entry.key, await xcoms.get({ dagId: 'etl', runId: workflowId, taskId: entry.taskId, key: entry.key }));
    }
  } finally {
    await xcoms.close();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
