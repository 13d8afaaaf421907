// Every example task, registered by the demo and the worker.
export * from './advanced-xcom-patterns';
export * from './xcom-taskflow-example';
// Airflow's own example DAGs, ported (workflows/examples).
export * from './empty-operator';
export * from './example-branch-operator-decorator';
export * from './example-dynamic-task-mapping';
export * from './example-skip-dag';
export * from './example-trigger-dags';
export * from './example-xcom';
export * from './example-xcom-args';
export * from './tutorial-taskflow-api';
export * from './xcom-cleanup';
