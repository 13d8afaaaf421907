import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { DagRunSnapshot } from '../../src/common/dag-run-snapshot';
import { EXAMPLE_DAGS } from '../../workflows/dags';
import { TEST_DAGS } from '../fixtures/dags';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';

let ctx: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext({ dags: [...TEST_DAGS, ...EXAMPLE_DAGS] });
});
afterAll(async () => ctx.release());

const states = (snapshot: DagRunSnapshot) => Object.fromEntries(Object.entries(snapshot.tasks).map(([id, t]) => [id, t.state]));

async function failedRun(workflow: string): Promise<{ workflowId: string; snapshot: DagRunSnapshot }> {
  const failure = (await ctx.run(workflow).catch((err: unknown) => err)) as WorkflowFailedError;
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = failure.cause as ApplicationFailure;
  expect(cause.type).toBe('DagRunFailed');
  const snapshot = cause.details?.[0] as DagRunSnapshot;
  return { workflowId: snapshot.runId, snapshot };
}

async function values(dagId: string, runId: string, taskId: string): Promise<unknown[]> {
  const records = await (await ctx.store()).getMany({ dagIds: dagId, runId, taskIds: taskId, key: 'return_value' });
  return records.sort((a, b) => a.mapIndex - b.mapIndex).map((r) => r.value);
}

describe('the DAG runner on real Temporal, Postgres and MinIO', () => {
  test('every trigger rule, with skip propagation from a branch', async () => {
    const { snapshot } = await failedRun('triggerRulesWorkflow');
    expect(states(snapshot)).toEqual({
      good: 'success',
      bad: 'failed',
      chooser: 'success',
      good_path: 'success',
      skipped_path: 'skipped',
      skipped_child: 'skipped',
      skipped_grandchild: 'skipped',
      all_success_with_failure: 'upstream_failed',
      all_success_with_skip: 'skipped',
      all_failed_ran: 'success',
      all_failed_skipped: 'skipped',
      all_done_ran: 'success',
      one_success_ran: 'success',
      one_success_upstream_failed: 'upstream_failed',
      one_failed_ran: 'success',
      one_failed_skipped: 'skipped',
      none_failed_ran: 'success',
      none_failed_upstream_failed: 'upstream_failed',
      none_skipped_ran: 'success',
      none_skipped_skipped: 'skipped',
      none_failed_min_one_success_ran: 'success',
      none_failed_min_one_success_skipped: 'skipped',
      always_ran: 'success',
      always_reads: 'success',
    });
    expect(snapshot.tasks.bad?.error).toMatch(/task bad fails on purpose/);
    expect(await values('trigger_rules', snapshot.runId, 'always_reads')).toEqual(['good']);
  });

  test('a branch follows the chosen task and skips the other; the join runs', async () => {
    const { workflowId, result } = await ctx.run<DagRunSnapshot>('branchingWorkflow');
    expect(result.state).toBe('success');
    expect(states(result)).toEqual({ choose: 'success', left: 'success', right: 'skipped', join: 'success' });
    expect(await values('branching', workflowId, 'left')).toEqual(['left ran']);
    expect(await values('branching', workflowId, 'right')).toEqual([]);
  });

  test('mapping: literal, upstream XCom, empty, cross product, partial, map, zip, concat, nested, kwargs, keys', async () => {
    const { workflowId, result } = await ctx.run<DagRunSnapshot>('mappingWorkflow');
    const v = (taskId: string) => values('mapping', workflowId, taskId);
    expect(await v('literal')).toEqual([2, 4, 6]);
    expect(await v('sum_literal')).toEqual([12]);
    expect(await v('from_xcom')).toEqual([2, 4, 6, 8]);
    expect(await v('sum_from_xcom')).toEqual([20]);
    expect(result.tasks.over_empty).toMatchObject({ state: 'skipped', mapCount: 0 });
    expect(result.tasks.after_empty?.state).toBe('skipped');
    expect(await v('cross')).toEqual([11, 21, 31, 12, 22, 32]);
    expect(await v('partial')).toEqual([101, 102, 103, 104]);
    expect(await v('mapped_fn')).toEqual([20, 40, 60, 80]);
    expect(await v('zip_shortest')).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await v('zip_longest')).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, null],
      [4, null],
    ]);
    expect(await v('concat')).toEqual([2, 4, 6, 8, 200, 400]);
    expect(await v('nested')).toEqual([4, 8, 12, 16]);
    expect(await v('kwargs')).toEqual(['aa!', 'bbb!']);
    expect(await v('over_key')).toEqual([2, 6, 10]);
    expect(await v('sum_key')).toEqual([6]);
    expect(result.tasks.cross).toMatchObject({ state: 'success', mapCount: 6, mapStates: { success: 6 } });
    expect(result.state).toBe('success');
  });

  test('a mapped task above maxMapLength fails with the length and the limit', async () => {
    const { snapshot } = await failedRun('tooWideWorkflow');
    expect(snapshot.tasks.wide).toMatchObject({
      state: 'failed',
      error: "task 'wide' would have 6 mapped instances, above maxMapLength 5",
    });
  });

  test('a 1,000-way mapped task completes and reduces; history stays small', async () => {
    const { workflowId, result } = await ctx.run<DagRunSnapshot>('fanOutWorkflow1000', [], { maxConcurrentActivityTaskExecutions: 64 });
    expect(result.tasks.fan).toMatchObject({ state: 'success', mapCount: 1000 });
    expect(await values('fan_out', workflowId, 'reduce')).toEqual([1000 * 1001]);
    const history = await ctx.env.client().workflow.getHandle(workflowId).fetchHistory();
    const events = history.events?.length ?? 0;
    // Temporal's limits are 51,200 events and 50 MB per run; only refs cross history.
    expect(events).toBeLessThan(10_000);
  });

  test('the ported xcom_taskflow_example runs end to end with its XComs', async () => {
    const { workflowId, result } = await ctx.run<DagRunSnapshot>('xcomTaskflowExample');
    expect(result.state).toBe('success');
    const v = (taskId: string) => values('xcom_taskflow_example', workflowId, taskId);
    expect((await v('extractData'))[0]).toHaveLength(3);
    const transformed = (await v('transformData'))[0] as { name: string; age_group: string }[];
    expect(transformed.map((p) => [p.name, p.age_group])).toEqual([
      ['Alice', 'adult'],
      ['Bob', 'young'],
      ['Charlie', 'adult'],
    ]);
    expect(await v('validateData')).toEqual([true]);
    expect(await v('loadData')).toEqual([expect.objectContaining({ records_loaded: 3, status: 'success' })]);
    expect(await v('sendNotification')).toEqual([]);
    expect(result.tasks.sendNotification?.state).toBe('success');
  });

  test('the ported advanced_xcom_patterns runs end to end with its XComs', async () => {
    const { workflowId, result } = await ctx.run<DagRunSnapshot>('advancedXComPatternsWithDagApi');
    expect(result.state).toBe('success');
    const store = await ctx.store();
    const records = await store.getMany({ dagIds: 'advanced_xcom_patterns_dag', runId: workflowId });
    const keys = records.map((r) => `${r.taskId}:${r.key}`).sort();
    expect(keys).toEqual([
      'aggregator:return_value',
      'consumer_0:return_value',
      'consumer_1:return_value',
      'consumer_2:return_value',
      'cross_dag_push:cross_dag_data',
      'producer:item_0',
      'producer:item_1',
      'producer:item_2',
      'producer:summary',
    ]);
    const aggregate = records.find((r) => r.taskId === 'aggregator')?.value as { total_processed: number };
    expect(aggregate.total_processed).toBe(3);
  });

  test('the runner replays deterministically from its recorded history', async () => {
    const { workflowId } = await ctx.run('mappingWorkflow', [], { maxCachedWorkflows: 0 });
    const history = await ctx.env.client().workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: ctx.bundle, plugins: [ctx.plugin] }, history, workflowId);
  });
});
