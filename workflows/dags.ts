// The example DAG definitions, for workers (`new XComPlugin({ dags })`) and schedules (`createDagSchedule`).
import { advancedXComPatternsDag } from './advanced-xcom-patterns-dag';
import { AIRFLOW_EXAMPLE_DAGS } from './examples';
import { xcomCleanupDag } from './xcom-cleanup-dag';
import { xcomTaskflowExampleDag } from './xcom-taskflow-example';

export const EXAMPLE_DAGS = [xcomTaskflowExampleDag, advancedXComPatternsDag, xcomCleanupDag, ...AIRFLOW_EXAMPLE_DAGS];
