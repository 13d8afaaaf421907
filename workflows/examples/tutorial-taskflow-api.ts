// Airflow's `tutorial_taskflow_api`, in the DAG API: extract → transform (multiple outputs) → load one of them.
import { defineDag, runDag, type DagRunInput } from '../../src/workflow';
import type * as tasks from '../../activities/examples/tutorial-taskflow-api';

export const tutorialTaskflowApiDag = defineDag(
  { dagId: 'tutorial_taskflow_api', workflowType: 'tutorialTaskflowApi', startDate: new Date('2021-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    const orderData = t.extractOrderData.with({ taskId: 'extract' })();
    const orderSummary = t.transformOrderData.with({ taskId: 'transform', multipleOutputs: true })(orderData);
    t.loadOrderTotal.with({ taskId: 'load' })(orderSummary.total_order_value);
  },
);

export const tutorialTaskflowApi = (input?: DagRunInput) => runDag(tutorialTaskflowApiDag, input);
