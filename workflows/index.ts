// Every runnable workflow: the worker's `workflowsPath`.
export * from './advanced-xcom-patterns';
