// Airflow's `example_trigger_target_dag`, in the DAG API: a DAG another DAG triggers; its tasks read the run's conf.
import { defineDag, runDag, type DagRunInput } from '../../src/workflow';
import type * as tasks from '../../activities/examples/example-trigger-dags';

export const exampleTriggerTargetDag = defineDag(
  { dagId: 'example_trigger_target_dag', workflowType: 'exampleTriggerTarget', startDate: new Date('2021-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    t.printConfMessage.with({ taskId: 'run_this' })(dag.conf);
    // Airflow templates the message into the command's environment: {{ dag_run.conf.get("message") }}.
    t.echoMessage.with({ taskId: 'bash_task' })(dag.conf.get('message'));
  },
);

export const exampleTriggerTarget = (input?: DagRunInput) => runDag(exampleTriggerTargetDag, input);
