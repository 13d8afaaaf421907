// Every example task, registered by the demo and the worker.
export * from './advanced-xcom-patterns';
export * from './xcom-taskflow-example';
export * from './xcom-cleanup';
