// Airflow's own example DAGs, ported to the DAG API (workflows/examples), run on the real dev server. Each test
// checks the run's XCom table and task states against what Airflow 3 records for the same DAG: the tables below
// are Airflow's, reasoned from its task runner (return values pushed unless None or do_xcom_push=False, explicit
// pushes, skipmixin_key from branches, trigger_run_id from TriggerDagRunOperator; EmptyOperator runs nothing).
import { randomUUID } from 'node:crypto';
import type { DagRunSnapshot } from '../../src/common/dag-run-snapshot';
import { AIRFLOW_EXAMPLE_DAGS } from '../../workflows/examples';
import { openDagRunContext, taskStates, type DagRunContext, type XComRow } from '../helpers/dag-run-context';

let ctx: DagRunContext;
beforeAll(async () => {
  ctx = await openDagRunContext(require.resolve('../../workflows/examples'), { dags: AIRFLOW_EXAMPLE_DAGS });
});
afterAll(async () => ctx?.release());

const row = (taskId: string, key: string, value: unknown, mapIndex = -1): XComRow => ({ taskId, mapIndex, key, value });

describe("Airflow's example DAGs, ported", () => {
  test('example_xcom: pushes by key and by return, a custom-key XComArg, a task with do_xcom_push=False', async () => {
    const { runId, snapshot } = await ctx.run('exampleXcom');
    expect(snapshot.state).toBe('success');
    expect(taskStates(snapshot)).toEqual({
      bash_push: 'success',
      bash_pull: 'success',
      pull_value_from_bash_push: 'success',
      push: 'success',
      push_by_returning: 'success',
      puller: 'success',
    });
    expect(await ctx.xcomTable('example_xcom', runId)).toEqual([
      row('bash_push', 'manually_pushed_value', 'manually_pushed_value'),
      row('bash_push', 'return_value', 'value_by_return'),
      row('push', 'value from pusher 1', [1, 2, 3]),
      row('push_by_returning', 'return_value', { a: 'b' }),
    ]);
  });

  test('example_xcom_args: a task output as an argument', async () => {
    const { runId, snapshot } = await ctx.run('exampleXcomArgs');
    expect(taskStates(snapshot)).toEqual({ generate_value: 'success', print_value: 'success' });
    expect(await ctx.xcomTable('example_xcom_args', runId)).toEqual([row('generate_value', 'return_value', 'Bring me a shrubbery!')]);
  });

  test('example_xcom_args_with_operators: tasks chained without data; two calls of one task', async () => {
    const { runId, snapshot } = await ctx.run('exampleXcomArgsWithOperators');
    expect(taskStates(snapshot)).toEqual({ c: 'success', d: 'success', print_value: 'success', print_value__1: 'success' });
    expect(await ctx.xcomTable('example_xcom_args_with_operators', runId)).toEqual([row('c', 'return_value', 'c'), row('d', 'return_value', 'c')]);
  });

  test('example_dynamic_task_mapping: map over a literal list, reduce', async () => {
    const { runId, snapshot } = await ctx.run('exampleDynamicTaskMapping');
    expect(taskStates(snapshot)).toEqual({ add_one: 'success', sum_it: 'success' });
    expect(snapshot.tasks.add_one).toMatchObject({ mapCount: 3, mapStates: { success: 3 } });
    expect(await ctx.xcomTable('example_dynamic_task_mapping', runId)).toEqual([
      row('add_one', 'return_value', 2, 0),
      row('add_one', 'return_value', 3, 1),
      row('add_one', 'return_value', 4, 2),
    ]);
  });

  test('example_task_mapping_second_order: map over a task output, then over the mapped results', async () => {
    const { runId, snapshot } = await ctx.run('exampleTaskMappingSecondOrder');
    expect(taskStates(snapshot)).toEqual({ get_nums: 'success', times_2: 'success', add_10: 'success' });
    expect(await ctx.xcomTable('example_task_mapping_second_order', runId)).toEqual([
      row('add_10', 'return_value', 12, 0),
      row('add_10', 'return_value', 14, 1),
      row('add_10', 'return_value', 16, 2),
      row('get_nums', 'return_value', [1, 2, 3]),
      row('times_2', 'return_value', 2, 0),
      row('times_2', 'return_value', 4, 1),
      row('times_2', 'return_value', 6, 2),
    ]);
  });

  test('tutorial_taskflow_api: multiple_outputs and one of its keys as an argument', async () => {
    const { runId, snapshot } = await ctx.run('tutorialTaskflowApi');
    expect(taskStates(snapshot)).toEqual({ extract: 'success', transform: 'success', load: 'success' });
    expect(await ctx.xcomTable('tutorial_taskflow_api', runId)).toEqual([
      row('extract', 'return_value', { '1001': 301.27, '1002': 433.21, '1003': 502.22 }),
      // Python's 0 + 301.27 + 433.21 + 502.22 is 1236.7, and so is the same sum in JavaScript.
      row('transform', 'return_value', { total_order_value: 1236.7 }),
      row('transform', 'total_order_value', 1236.7),
    ]);
  });

  test('example_branch_python_operator_decorator: each branch records skipmixin_key and no return value', async () => {
    const { runId, snapshot } = await ctx.run('exampleBranchOperatorDecorator', [{ conf: { choice: 'b' } }]);
    expect(snapshot.state).toBe('success');
    const states: Record<string, string> = { run_this_first: 'success', branching: 'success', join: 'success' };
    for (const o of ['a', 'b', 'c', 'd']) {
      const chosen = o === 'b' ? 'success' : 'skipped';
      Object.assign(states, { [`branch_${o}`]: chosen, [`follow_${o}`]: chosen, [`ext_py_${o}`]: chosen, [`venv_${o}`]: chosen });
    }
    Object.assign(states, { branching_ext_python: 'success', join_ext_python: 'success', branching_venv: 'success', join_venv: 'success' });
    expect(taskStates(snapshot)).toEqual(states);
    // Airflow 3 raises DownstreamTasksSkipped from skip_all_except before the return value is pushed.
    expect(await ctx.xcomTable('example_branch_python_operator_decorator', runId)).toEqual([
      row('branching', 'skipmixin_key', { followed: ['branch_b'] }),
      row('branching_ext_python', 'skipmixin_key', { followed: ['ext_py_b'] }),
      row('branching_venv', 'skipmixin_key', { followed: ['venv_b'] }),
    ]);
  });

  test('example_branch_python_operator_decorator without a conf: one random path per branch', async () => {
    const { snapshot } = await ctx.run('exampleBranchOperatorDecorator');
    const states = taskStates(snapshot);
    for (const prefix of ['branch_', 'follow_', 'ext_py_', 'venv_']) {
      const ran = Object.entries(states).filter(([id, state]) => id.startsWith(prefix) && state === 'success');
      expect(ran).toHaveLength(1);
    }
  });

  test('example_skip_dag: a task that skips itself; all_success skips, one_success runs; the run succeeds', async () => {
    const { runId, snapshot } = await ctx.run('exampleSkipDagWorkflow');
    expect(snapshot.state).toBe('success');
    expect(taskStates(snapshot)).toEqual({
      skip_operator_1: 'skipped',
      always_true_1: 'success',
      all_success: 'skipped',
      final_1: 'skipped',
      skip_operator_2: 'skipped',
      always_true_2: 'success',
      one_success: 'success',
      final_2: 'success',
    });
    expect(await ctx.xcomTable('example_skip_dag', runId)).toEqual([]);
  });

  test('example_trigger_controller_dag triggers example_trigger_target_dag by DAG id; the target reads its conf', async () => {
    const { controllerId, controller, target } = await ctx.whileWorking(async (client, taskQueue) => {
      const id = `exampleTriggerController-${randomUUID()}`;
      const done = await client.workflow.execute<() => Promise<DagRunSnapshot>>('exampleTriggerController', { taskQueue, workflowId: id });
      // The target runs on this worker too: its definition names no task queue, so it goes to the triggering task's.
      const [triggered] = await ctx.xcomTable('example_trigger_controller_dag', id);
      const targetDone = await client.workflow.getHandle<() => Promise<DagRunSnapshot>>(triggered!.value as string).result();
      return { controllerId: id, controller: done, target: targetDone };
    });
    const targetRunId = `example_trigger_controller_dag__${controllerId}__test_trigger_dagrun__triggered`;
    expect(controller.state).toBe('success');
    expect(taskStates(controller)).toEqual({ test_trigger_dagrun: 'success' });
    expect(await ctx.xcomTable('example_trigger_controller_dag', controllerId)).toEqual([row('test_trigger_dagrun', 'trigger_run_id', targetRunId)]);

    expect(target).toMatchObject({ dagId: 'example_trigger_target_dag', runId: targetRunId, conf: { message: 'Hello World' }, state: 'success' });
    expect(taskStates(target)).toEqual({ run_this: 'success', bash_task: 'success' });
    expect(await ctx.xcomTable('example_trigger_target_dag', targetRunId)).toEqual([row('bash_task', 'return_value', 'Here is the message: Hello World')]);
  });
});
