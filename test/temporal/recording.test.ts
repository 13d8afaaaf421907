import { WorkflowFailedError } from '@temporalio/client';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';

let ctx: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext();
});
afterAll(async () => ctx.release());

const entryKeys = (records: { taskId: string; mapIndex: number; key: string }[]) =>
  records.map((r) => `${r.taskId}[${r.mapIndex}]:${r.key}`).sort();

describe('recording task results as XComs (real Temporal, Postgres, MinIO)', () => {
  test('return values and explicit pushes land under the workflow and task identity', async () => {
    const { workflowId } = await ctx.run('identityWorkflow');
    const store = await ctx.store();
    const records = await store.getMany({ dagIds: 'identityWorkflow', runId: workflowId });
    expect(entryKeys(records)).toEqual([
      'by_activity_id[-1]:return_value',
      'mapped[2]:return_value',
      'named[-1]:return_value',
      'produce[-1]:return_value',
      'produce__1[-1]:return_value',
      'pushAndReturn[-1]:count',
      'pushAndReturn[-1]:nested/slash/key',
      'pushAndReturn[-1]:return_value',
      'returnNothing[-1]:side_effect',
    ]);
    const byKey = (taskId: string, key = 'return_value') => records.find((r) => r.taskId === taskId && r.key === key)!;
    expect(byKey('produce').value).toEqual({ label: 'first', attempt: 1 });
    expect(byKey('produce__1').value).toEqual({ label: 'second', attempt: 1 });
    expect(byKey('pushAndReturn', 'nested/slash/key').value).toEqual({ at: new Date('2024-01-01T00:00:00Z'), ids: new Set([1, 2]) });
    const produce = byKey('produce');
    expect(produce).toMatchObject({ attempt: 1, activityType: 'produce', temporalRunId: expect.any(String) });
    expect(produce.logicalDate).toBeInstanceOf(Date);
  });

  test('setDagRun names the DAG and its logical date', async () => {
    const { workflowId } = await ctx.run('customDagWorkflow', ['2024-03-01T00:00:00.000Z']);
    const [record] = await (await ctx.store()).getMany({ dagIds: 'custom_dag', runId: workflowId });
    expect(record).toMatchObject({ taskId: 'only', value: { label: 'custom', attempt: 1 } });
    expect(record?.logicalDate?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });

  test('multipleOutputs records each key and return_value; a non-object fails non-retryably with Airflow\'s message', async () => {
    const run = ctx.run('multipleOutputsWorkflow');
    const failure = await run.catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause?.cause as { type?: string; nonRetryable?: boolean; message: string };
    expect(cause.type).toBe('XComMultipleOutputsError');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toMatch(/task 'bad_outputs': returned output was type array, expected a plain object or Map for multipleOutputs/);
    const store = await ctx.store();
    const outputs = await store.getMany({ dagIds: 'multipleOutputsWorkflow', taskIds: 'outputs' });
    const values = Object.fromEntries(outputs.map((r) => [r.key, r.value]));
    expect(values).toEqual({
      total: 10,
      rows: [1, 2, 3],
      'a/b': 'slashed',
      return_value: { total: 10, rows: [1, 2, 3], 'a/b': 'slashed' },
    });
    expect(await store.count({ dagIds: 'multipleOutputsWorkflow', taskIds: 'bad_outputs' })).toBe(0);
  });

  test('a result that cannot be serialized fails the attempt non-retryably, naming task, key and path', async () => {
    const failure = (await ctx.run('unserializableWorkflow').catch((err: unknown) => err)) as WorkflowFailedError;
    const cause = failure.cause?.cause as { type?: string; nonRetryable?: boolean; message: string };
    expect(cause.type).toBe('XComSerializationError');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain("task 'bad_value'");
    expect(cause.message).toContain("key 'return_value'");
    expect(cause.message).toContain('the value at $.rows[1].self refers back to $.rows[1]');
  });

  test('every pull shape, from an activity; a task reads its own pushes', async () => {
    const requests = [
      { taskIds: 'single' }, // single unmapped task -> its value
      { taskIds: 'mapped' }, // single mapped task -> list by map index
      { taskIds: 'one_mapped' }, // mapped with one instance -> still a list
      { taskIds: ['single', 'mapped'] }, // several tasks -> flat, task-major
      { taskIds: 'mapped', mapIndexes: 1 }, // one map index -> a value
      { taskIds: 'mapped', mapIndexes: [2, 0] }, // a list of map indexes -> list in that order
      { taskIds: ['single', 'mapped'], mapIndexes: null }, // product with the unmapped row
      { taskIds: 'nope' }, // missing -> null
      { taskIds: 'nope', default: 'dflt' }, // missing -> default
      { taskIds: 'single', key: 'no_such_key', default: 0 },
      {}, // omitted task ids = the calling task: nothing committed yet
    ];
    const { result } = await ctx.run<{ fromActivity: unknown[]; own: unknown[] }>('pullShapesWorkflow', [requests]);
    const p = (label: string) => ({ label, attempt: 1 });
    expect(result.fromActivity).toEqual([
      p('single'),
      [p('m0'), p('m1'), p('m2')],
      [p('only instance')],
      [p('single'), p('m0'), p('m1'), p('m2')],
      p('m1'),
      [p('m2'), p('m0')],
      [p('single'), null],
      null,
      'dflt',
      0,
      null,
    ]);
    expect(result.own).toEqual(['pending value', 'fallback']);
  });

  test('workflow code pulls through a local activity and gets refs for large values', async () => {
    const { result } = await ctx.run('workflowPullWorkflow');
    expect(result).toEqual({
      value: 'returned',
      count: 3,
      both: ['returned', 'none'],
      bigIsRef: true,
      bigLength: 1024 * 1024,
    });
  });
});
