// The worker process: `npm run worker`. Configured from the environment (see --help).
import { NativeConnection } from '@temporalio/worker';
import { STORE_ENV_VARS } from '../src/config/store-config';
import { XComPlugin } from '../src/plugin';
import { EXAMPLE_ACCESS_POLICY } from './example-access-policy';
import { EXAMPLE_DAGS } from '../workflows/dags';
import { createExampleWorker } from './create-worker';

const WORKER_ENV_VARS: [string, string][] = [
  ['TEMPORAL_ADDRESS', 'Temporal frontend host:port; default localhost:7233'],
  ['TEMPORAL_NAMESPACE', 'namespace; default default'],
  ['XCOM_TASK_QUEUE', 'task queue to poll; default xcom'],
  ['XCOM_ACCESS_POLICY', 'DAG access policy, JSON or a file; default the examples\' (worker/example-access-policy.ts)'],
  ['XCOM_SIGNING_KEY', 'ref signing keys <id>:<secret>,...; default a key kept in the store'],
];

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    const vars = [...WORKER_ENV_VARS, ...STORE_ENV_VARS];
    process.stdout.write(`temporal-xcom worker\n\nEnvironment:\n${vars.map(([n, m]) => `  ${n.padEnd(29)}${m}`).join('\n')}\n`);
    return;
  }
  const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const taskQueue = process.env.XCOM_TASK_QUEUE ?? 'xcom';
  const connection = await NativeConnection.connect({ address });
  const worker = await createExampleWorker({ connection, namespace, taskQueue, plugin: new XComPlugin({ dags: EXAMPLE_DAGS, ...(!process.env.XCOM_ACCESS_POLICY && { accessPolicy: EXAMPLE_ACCESS_POLICY }) }) });
  process.stderr.write(`temporal-xcom worker polling ${taskQueue} on ${address} (${namespace})\n`);
  // Worker.run resolves after SIGINT/SIGTERM: the SDK installs those handlers and drains in-flight tasks.
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`temporal-xcom worker: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
