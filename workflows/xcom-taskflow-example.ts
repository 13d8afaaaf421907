// The seed DAG `xcom_taskflow_example` with the DAG API: each call passes the previous task's output, so the
// dependencies follow from the data, as with Airflow's TaskFlow.
import { defineDag, runDag, type DagRunInput } from '../src/workflow';
import type * as tasks from '../activities/examples/xcom-taskflow-example';

export const xcomTaskflowExampleDag = defineDag(
  { dagId: 'xcom_taskflow_example', schedule: '@hourly', startDate: new Date('2024-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>({ retries: 1, retryDelay: '1 second' });
    const rawData = t.extractData();
    const transformed = t.transformData(rawData);
    const isValid = t.validateData(transformed);
    const loadingResult = t.loadData(transformed, isValid);
    t.sendNotification(loadingResult);
  },
);

export async function xcomTaskflowExample(input?: DagRunInput) {
  return runDag(xcomTaskflowExampleDag, input);
}
