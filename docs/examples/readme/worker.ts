// worker.ts — run it from the project's root (`npx tsx src/worker.ts`, or `node dist/worker.js` after tsc)
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { XComPlugin } from 'temporal-xcom';
import * as activities from './activities.js';

async function main(): Promise<void> {
  const xcom = new XComPlugin(); // store from DATABASE_URL / S3_* / XCOM_*; embedded in ./.xcom when unset
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' }),
    taskQueue: 'etl',
    // CommonJS can say require.resolve('./workflows'), ES modules fileURLToPath(new URL('./workflows.ts', import.meta.url))
    workflowsPath: path.resolve('src/workflows.ts'),
    activities,
    plugins: [xcom], // the Client needs nothing from the plugin
  });
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
