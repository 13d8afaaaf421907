import { Worker } from '@temporalio/worker';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';

let ctx: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext();
});
afterAll(async () => ctx.release());

describe('determinism with the interceptors installed', () => {
  test.each([
    ['identityWorkflow', []],
    ['pullShapesWorkflow', [[{ taskIds: 'mapped' }, { taskIds: ['single', 'mapped'], mapIndexes: [0] }]]],
    ['workflowPullWorkflow', []],
  ])('%s replays from its recorded history', async (workflow, args) => {
    // No workflow cache: every activation replays from the start, so any nondeterminism fails the run itself.
    const { workflowId } = await ctx.run(workflow, args, { maxCachedWorkflows: 0 });
    const history = await ctx.env.client().workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: ctx.bundle, plugins: [ctx.plugin] }, history, workflowId);
  });

  test('replay notices a workflow whose commands changed (the check can fail)', async () => {
    const { workflowId } = await ctx.run('customDagWorkflow', ['2024-01-01T00:00:00.000Z']);
    const history = await ctx.env.client().workflow.getHandle(workflowId).fetchHistory();
    // Replaying the history of one workflow type as another with different commands must be refused.
    const altered = structuredClone(history);
    const started = altered.events?.[0]?.workflowExecutionStartedEventAttributes;
    if (!started?.workflowType) throw new Error('history has no start event');
    started.workflowType.name = 'flakyWorkflow';
    // A determinism violation, not just any error (a broken bundle or a bad history would also throw).
    await expect(Worker.runReplayHistory({ workflowBundle: ctx.bundle, plugins: [ctx.plugin] }, altered, workflowId)).rejects.toMatchObject({
      name: 'DeterminismViolationError',
    });
  });
});
