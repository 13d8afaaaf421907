// Airflow's `example_xcom`, in the DAG API: pushes by key and by return value, pulls by key and by argument, and a
// task that records no return value (do_xcom_push=False).
import { defineDag, runDag, type DagRunInput } from '../../src/workflow';
import type * as tasks from '../../activities/examples/example-xcom';

export const exampleXcomDag = defineDag(
  { dagId: 'example_xcom', workflowType: 'exampleXcom', schedule: '@once', startDate: new Date('2021-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    const bashPush = t.bashPush.with({ taskId: 'bash_push' })();
    // XComArg(bash_push, key="manually_pushed_value"): a key the task must have pushed, or this task fails (XComNotFound).
    const bashPull = t.bashPull.with({ taskId: 'bash_pull', doXComPush: false })(bashPush.get('manually_pushed_value'), bashPush);
    const pullFromBash = t.pullValueFromBashPush.with({ taskId: 'pull_value_from_bash_push', pullsFrom: ['bash_push'] })();
    bashPush.then([bashPull, pullFromBash]);

    const push = t.pushValue1.with({ taskId: 'push' })();
    const puller = t.pullAndCompare.with({ taskId: 'puller', pullsFrom: ['push'] })(t.pushByReturning.with({ taskId: 'push_by_returning' })());
    push.then(puller);
  },
);

export const exampleXcom = (input?: DagRunInput) => runDag(exampleXcomDag, input);
