// Airflow's `example_branch_python_operator_decorator`, in the DAG API: three branch tasks in a row, each choosing
// one of four paths that join again. Airflow's second and third branches run in an external Python and a
// virtualenv; here every task is an activity, so they differ only in their task ids.
import { defineDag, runDag, type DagRunInput } from '../../src/workflow';
import type * as branching from '../../activities/examples/example-branch-operator-decorator';
import type * as empty from '../../activities/examples/empty-operator';

const OPTIONS = ['a', 'b', 'c', 'd'];

export const exampleBranchOperatorDecoratorDag = defineDag(
  {
    dagId: 'example_branch_python_operator_decorator',
    workflowType: 'exampleBranchOperatorDecorator',
    schedule: '@daily',
    startDate: new Date('2021-01-01T00:00:00Z'),
    catchup: false,
  },
  (dag) => {
    const t = dag.tasks<typeof branching & typeof empty>();
    const join = (taskId: string) => t.emptyTask.with({ taskId, triggerRule: 'none_failed_min_one_success' })();

    const runThisFirst = t.emptyTask.with({ taskId: 'run_this_first' })();
    // The run's conf may name the choice (`{ choice: 'b' }`); otherwise each branch picks at random, as in Airflow.
    const choose = t.chooseBranch.with({ taskId: 'branching', branch: true })(OPTIONS, 'branch_', dag.conf.get('choice'));
    runThisFirst.then(choose);
    const joined = join('join');
    for (const option of OPTIONS) {
      const work = t.doSomething.with({ taskId: `branch_${option}` })('Python');
      choose.then(work).then(t.emptyTask.with({ taskId: `follow_${option}` })()).then(joined);
    }

    const chooseExternal = t.chooseBranch.with({ taskId: 'branching_ext_python', branch: true })(OPTIONS, 'ext_py_', dag.conf.get('choice'));
    joined.then(chooseExternal);
    const joinedExternal = join('join_ext_python');
    for (const option of OPTIONS) chooseExternal.then(t.doSomething.with({ taskId: `ext_py_${option}` })('external Python')).then(joinedExternal);

    const chooseVenv = t.chooseBranch.with({ taskId: 'branching_venv', branch: true })(OPTIONS, 'venv_', dag.conf.get('choice'));
    joinedExternal.then(chooseVenv);
    const joinedVenv = join('join_venv');
    for (const option of OPTIONS) chooseVenv.then(t.doSomething.with({ taskId: `venv_${option}` })('a virtualenv')).then(joinedVenv);
  },
);

export const exampleBranchOperatorDecorator = (input?: DagRunInput) => runDag(exampleBranchOperatorDecoratorDag, input);
