// Airflow's `example_trigger_controller_dag`, in the DAG API: triggers `example_trigger_target_dag` by its DAG id
// with a conf; the workflow type and task queue come from the target's definition.
import { defineDag, runDag, type DagRunInput } from '../../src/workflow';
import type * as tasks from '../../activities/examples/example-trigger-dags';

export const exampleTriggerControllerDag = defineDag(
  { dagId: 'example_trigger_controller_dag', workflowType: 'exampleTriggerController', schedule: '@once', startDate: new Date('2021-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    t.triggerDag.with({ taskId: 'test_trigger_dagrun' })('example_trigger_target_dag', { message: 'Hello World' });
  },
);

export const exampleTriggerController = (input?: DagRunInput) => runDag(exampleTriggerControllerDag, input);
