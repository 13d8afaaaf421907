// The Airflow features migrations hit, on the real dev server: conf and params, tasks and .map() items that skip
// themselves, expandKwargs checks per map index, XComNotFound, branch and short-circuit records, triggering a DAG
// by id with a conf its params reject. Expected states and XCom tables are Airflow 3's.
import { Worker } from '@temporalio/worker';
import type { DagRunSnapshot } from '../../src/common/dag-run-snapshot';
import * as exampleActivities from '../../activities/examples';
import * as parityActivities from '../fixtures/parity/activities';
import { PARITY_DAGS } from '../fixtures/parity/dags';
import { openDagRunContext, taskStates, type DagRunContext, type XComRow } from '../helpers/dag-run-context';

let ctx: DagRunContext;
beforeAll(async () => {
  ctx = await openDagRunContext(require.resolve('../fixtures/parity/workflows'), { dags: PARITY_DAGS }, { ...exampleActivities, ...parityActivities });
});
afterAll(async () => ctx?.release());

const row = (taskId: string, key: string, value: unknown, mapIndex = -1): XComRow => ({ taskId, mapIndex, key, value });

/** A run that fails because a leaf task failed: its snapshot. */
async function failedRun(workflow: string): Promise<DagRunSnapshot> {
  const failure = await ctx.runFailing(workflow);
  expect(failure.type).toBe('DagRunFailed');
  return failure.details?.[0] as DagRunSnapshot;
}

describe('conf and params', () => {
  test('conf overrides param defaults; tasks get params, conf, one param, a missing conf key, a param inside an object', async () => {
    const conf = { region: 'eu', limit: 3, extra: true };
    const { runId, snapshot } = await ctx.run('parityParams', [{ conf }]);
    const params = { limit: 3, title: 'Daily', tags: [], region: 'eu', extra: true };
    expect(snapshot).toMatchObject({ state: 'success', conf, params });
    expect(await ctx.xcomTable('parity_params', runId)).toEqual([
      row('describeRun', 'return_value', { params, conf, limit: 3, absent: 'undefined', nested: { title: 'Daily' } }),
    ]);
  });

  test('a run without a required param does not start', async () => {
    const failure = await ctx.runFailing('parityParams');
    expect(failure.type).toBe('DagParamsInvalid');
    expect(failure.message).toMatch(/cannot start: param 'region' is required and has no default: give it in the run's conf$/);
  });

  test("a conf that breaks the params' schemas names every problem", async () => {
    const failure = await ctx.runFailing('parityParams', [{ conf: { region: 'asia', limit: 0 } }]);
    expect(failure.type).toBe('DagParamsInvalid');
    expect(failure.details?.[0]).toEqual(["param 'limit' must be at least 1, got 0", `param 'region' must be one of "eu", "us", got "asia"`]);
  });

  test('triggering a DAG by id with a conf its params reject fails the triggering task, which is not retried', async () => {
    const snapshot = await failedRun('parityBadTrigger');
    expect(snapshot.tasks.trigger?.state).toBe('failed');
    expect(snapshot.tasks.trigger?.error).toContain("triggerDagRun: conf for DAG 'parity_params' is invalid: param 'limit' must be at least 1, got 0");
    expect(await ctx.xcomTable('parity_bad_trigger', snapshot.runId)).toEqual([]);
  });
});

describe('skips', () => {
  test('a task that throws XComSkip is skipped; each trigger rule below it decides as in Airflow', async () => {
    const { runId, snapshot } = await ctx.run('paritySelfSkip');
    expect(snapshot.state).toBe('success');
    expect(taskStates(snapshot)).toEqual({
      skipper: 'skipped',
      all_success: 'skipped',
      below_all_success: 'skipped',
      all_done: 'success',
      none_failed: 'success',
      none_failed_min_one_success: 'skipped',
    });
    expect(await ctx.xcomTable('parity_self_skip', runId)).toEqual([]);
  });

  test('a .map() function skips one item: instances [success, success, skipped], the all_done reduce gets [a, b]', async () => {
    const { runId, snapshot } = await ctx.run('parityMapSkip');
    expect(snapshot.tasks.forward).toMatchObject({ state: 'success', mapCount: 3, instanceStates: ['success', 'success', 'skipped'] });
    // Airflow counts each mapped instance for trigger rules: one skipped instance skips an all_success reduce.
    expect(taskStates(snapshot)).toEqual({ push: 'success', forward: 'success', collect: 'success', collect_all_success: 'skipped' });
    expect(await ctx.xcomTable('parity_map_skip', runId)).toEqual([
      row('collect', 'return_value', ['a', 'b']),
      row('forward', 'return_value', 'a', 0),
      row('forward', 'return_value', 'b', 1),
      row('push', 'return_value', ['a', 'b', 'c']),
    ]);
  });
});

describe('task arguments', () => {
  test('expandKwargs over a list holding null fails that map index only', async () => {
    const snapshot = await failedRun('parityKwargsNull');
    expect(snapshot.tasks.described).toMatchObject({ state: 'failed', mapCount: 3, instanceStates: ['success', 'failed', 'success'] });
    expect(snapshot.tasks.described?.error).toContain("[1] Activity task failed: expandKwargs() needs a list of objects, but this instance's item is null");
    expect(await ctx.xcomTable('parity_kwargs_null', snapshot.runId)).toEqual([
      row('described', 'return_value', 'x=1', 0),
      row('described', 'return_value', 'x=3', 2),
      row('items', 'return_value', [{ x: 1 }, null, { x: 3 }]),
    ]);
  });

  test('a custom key that was never pushed fails its reader (XComNotFound); of a multipleOutputs task, or return_value, it is null', async () => {
    const snapshot = await failedRun('parityNotFound');
    expect(taskStates(snapshot)).toEqual({
      plain: 'success',
      reads_missing_key: 'failed',
      outputs: 'success',
      reads_missing_output: 'success',
      reads_present_output: 'success',
      returns_null: 'success',
      reads_missing_return: 'success',
    });
    expect(snapshot.tasks.reads_missing_key?.error).toContain(
      `XCom 'missing' of task 'plain' (DAG 'parity_not_found', run '${snapshot.runId}') was never pushed, but a task argument reads it`,
    );
    expect(await ctx.xcomTable('parity_not_found', snapshot.runId)).toEqual([
      row('outputs', 'present', 1),
      row('outputs', 'return_value', { present: 1 }),
      row('plain', 'return_value', 'v'),
      row('reads_missing_output', 'return_value', { got: null }),
      row('reads_missing_return', 'return_value', { got: null }),
      row('reads_present_output', 'return_value', { got: 1 }),
    ]);
  });
});

describe('branch and short-circuit records (skipmixin_key)', () => {
  test('a join right after the branch runs; naming a task further down skips the path to it; following everything keeps the return value', async () => {
    const { runId, snapshot } = await ctx.run('parityBranches');
    expect(taskStates(snapshot)).toEqual({
      branch: 'success',
      task1: 'success',
      join: 'success',
      branch_deep: 'success',
      mid: 'skipped',
      deep: 'skipped',
      other: 'skipped',
      branch_all: 'success',
      left: 'success',
      right: 'success',
    });
    expect(await ctx.xcomTable('parity_branches', runId)).toEqual([
      row('branch', 'return_value', 'task1'),
      row('branch', 'skipmixin_key', { followed: ['task1', 'join'] }),
      row('branch_all', 'return_value', ['left', 'right']),
      row('branch_all', 'skipmixin_key', { followed: ['left', 'right'] }),
      row('branch_deep', 'skipmixin_key', { followed: [] }),
    ]);
  });

  test('a branch naming a task the DAG lacks fails and records nothing', async () => {
    const snapshot = await failedRun('parityBadBranch');
    expect(taskStates(snapshot)).toEqual({ branch: 'failed', after: 'upstream_failed' });
    expect(snapshot.tasks.branch?.error).toBe("branch task 'branch' returned task ids that are not in DAG 'parity_bad_branch': 'nowhere'");
    expect(await ctx.xcomTable('parity_bad_branch', snapshot.runId)).toEqual([]);
  });

  test('a falsy short circuit skips everything below (or only the direct tasks); a truthy one records its value', async () => {
    const { runId, snapshot } = await ctx.run('parityShortCircuit');
    expect(snapshot.state).toBe('success');
    expect(taskStates(snapshot)).toEqual({
      cond_false: 'success',
      a: 'skipped',
      b: 'skipped',
      cond_empty_list: 'success',
      c: 'skipped',
      d: 'success',
      cond_true: 'success',
      e: 'success',
    });
    expect(await ctx.xcomTable('parity_short_circuit', runId)).toEqual([
      row('cond_empty_list', 'skipmixin_key', { skipped: ['c'] }),
      row('cond_false', 'skipmixin_key', { skipped: ['a', 'b'] }),
      row('cond_true', 'return_value', true),
    ]);
  });
});

test('runs with branch records, short circuits and skips replay deterministically from their histories', async () => {
  for (const workflow of ['parityBranches', 'parityShortCircuit', 'parityMapSkip']) {
    const history = await ctx.whileWorking(async (client, taskQueue) => {
      const workflowId = `${workflow}-replay-${Date.now()}`;
      await client.workflow.execute(workflow, { taskQueue, workflowId });
      return client.workflow.getHandle(workflowId).fetchHistory();
    }, { maxCachedWorkflows: 0 });
    await Worker.runReplayHistory({ workflowBundle: ctx.bundle, plugins: [ctx.plugin] }, history);
  }
});
