// The Node side of the migration guide: a worker for the DAGs, their schedules, and watching a run.
// (In an application, import from 'temporal-xcom' and 'temporal-xcom/workflow' instead of the source tree.)
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { XComPlugin } from '../../../src';
import { createDagSchedule } from '../../../src/client/dag-schedule';
import { dagRunQuery } from '../../../src/workflow';
import * as activities from './activities';
import { DAGS, salesEtl } from './dags';

export async function runWorker(): Promise<void> {
  const xcom = new XComPlugin({ dags: DAGS }); // store from XCOM_* environment variables
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: 'localhost:7233' }),
    taskQueue: 'etl',
    workflowsPath: require.resolve('./dags'),
    activities,
    plugins: [xcom],
  });
  await worker.run();
}

export async function scheduleSalesEtl(): Promise<void> {
  const client = new Client({ connection: await Connection.connect({ address: 'localhost:7233' }) });
  const schedule = await createDagSchedule(client, salesEtl, { workflowType: 'salesEtlWorkflow', taskQueue: 'etl' });
  await schedule.trigger(); // Airflow's "Trigger DAG": a run now, its logical date the trigger time
}

export async function watchRun(client: Client, workflowId: string): Promise<void> {
  const snapshot = await client.workflow.getHandle(workflowId).query(dagRunQuery);
  console.log(snapshot.state, Object.entries(snapshot.tasks).map(([id, task]) => `${id}=${task.state}`));
}
