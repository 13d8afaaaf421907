// Airflow's `example_skip_dag`, in the DAG API: a task that skips itself, joined with a task that succeeds under
// `all_success` (the join is skipped) and under `one_success` (the join runs).
import { defineDag, runDag, type DagRunInput, type TriggerRule } from '../../src/workflow';
import type * as empty from '../../activities/examples/empty-operator';
import type * as skipping from '../../activities/examples/example-skip-dag';

export const exampleSkipDag = defineDag(
  { dagId: 'example_skip_dag', workflowType: 'exampleSkipDagWorkflow', schedule: { every: '1 day' }, startDate: new Date('2021-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof empty & typeof skipping>();
    const pipeline = (suffix: string, triggerRule: TriggerRule) => {
      const skip = t.skipThisTask.with({ taskId: `skip_operator_${suffix}` })();
      const alwaysTrue = t.emptyTask.with({ taskId: `always_true_${suffix}` })();
      const join = t.emptyTask.with({ taskId: triggerRule, triggerRule })();
      dag.chain([skip, alwaysTrue], join);
      join.then(t.emptyTask.with({ taskId: `final_${suffix}` })());
    };
    pipeline('1', 'all_success');
    pipeline('2', 'one_success');
  },
);

export const exampleSkipDagWorkflow = (input?: DagRunInput) => runDag(exampleSkipDag, input);
