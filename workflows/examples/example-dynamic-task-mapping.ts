// Airflow's `example_dynamic_task_mapping` (map over a literal list, reduce) and
// `example_task_mapping_second_order` (map over a task output, then over the mapped results), in the DAG API.
import { defineDag, runDag, type DagRunInput } from '../../src/workflow';
import type * as tasks from '../../activities/examples/example-dynamic-task-mapping';

export const exampleDynamicTaskMappingDag = defineDag(
  { dagId: 'example_dynamic_task_mapping', workflowType: 'exampleDynamicTaskMapping', startDate: new Date('2022-03-04T00:00:00Z') },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    const addedValues = t.addOne.with({ taskId: 'add_one' }).expand([1, 2, 3]);
    t.sumIt.with({ taskId: 'sum_it' })(addedValues);
  },
);

export const exampleTaskMappingSecondOrderDag = defineDag(
  { dagId: 'example_task_mapping_second_order', workflowType: 'exampleTaskMappingSecondOrder', startDate: new Date('2022-03-04T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    const nums = t.getNums.with({ taskId: 'get_nums' })();
    const doubled = t.timesTwo.with({ taskId: 'times_2' }).expand(nums);
    t.addTen.with({ taskId: 'add_10' }).expand(doubled);
  },
);

export const exampleDynamicTaskMapping = (input?: DagRunInput) => runDag(exampleDynamicTaskMappingDag, input);
export const exampleTaskMappingSecondOrder = (input?: DagRunInput) => runDag(exampleTaskMappingSecondOrderDag, input);
