import { Worker, type NativeConnection } from '@temporalio/worker';
import * as exampleTasks from '../activities/examples';
import type { XComPlugin } from '../src/plugin';

/** A worker for the example DAGs and the plugin's own activities. */
export function createExampleWorker(options: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  plugin: XComPlugin;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: exampleTasks,
    plugins: [options.plugin],
  });
}
