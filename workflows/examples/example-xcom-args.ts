// Airflow's `example_xcom_args` (a task output as another task's argument) and
// `example_xcom_args_with_operators` (tasks chained without data), in the DAG API.
import { defineDag, runDag, type DagRunInput } from '../../src/workflow';
import type * as tasks from '../../activities/examples/example-xcom-args';

export const exampleXcomArgsDag = defineDag(
  { dagId: 'example_xcom_args', workflowType: 'exampleXcomArgs', startDate: new Date('2021-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    t.printValue.with({ taskId: 'print_value' })(t.generateValue.with({ taskId: 'generate_value' })());
  },
);

export const exampleXcomArgsWithOperatorsDag = defineDag(
  { dagId: 'example_xcom_args_with_operators', workflowType: 'exampleXcomArgsWithOperators', startDate: new Date('2021-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    const c = t.echoText.with({ taskId: 'c' })('c');
    // Airflow's example echoes "c" in task d too.
    const d = t.echoText.with({ taskId: 'd' })('c');
    // Two calls of one TaskFlow function: Airflow names the second print_value__1.
    const first = t.printValue.with({ taskId: 'print_value' })('first!');
    const second = t.printValue.with({ taskId: 'print_value__1' })('second!');
    dag.chain(c, first, second, d);
  },
);

export const exampleXcomArgs = (input?: DagRunInput) => runDag(exampleXcomArgsDag, input);
export const exampleXcomArgsWithOperators = (input?: DagRunInput) => runDag(exampleXcomArgsWithOperatorsDag, input);
