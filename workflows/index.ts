// Every runnable workflow: the worker's `workflowsPath`.
export * from './advanced-xcom-patterns';
export * from './advanced-xcom-patterns-dag';
export * from './xcom-taskflow-example';
export * from './examples';
export * from './xcom-cleanup-dag';
