import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { XComPlugin } from '../../src/plugin';
import { percentile } from '../lib/percentiles';
import type { Side } from './workers';

/**
 * The workflow code's own cost: replaying a recorded run's whole history on a replay worker (no server round
 * trips, no activities), median of `times` after one untimed replay. Includes creating the replay worker, which
 * costs the same for every workflow.
 */
export async function replayMs(side: Side, workflowId: string, bundle: WorkflowBundleWithSourceMap, plugin: XComPlugin, times = 3): Promise<number> {
  const history = await side.client.workflow.getHandle(workflowId).fetchHistory();
  const replay = () => Worker.runReplayHistory({ workflowBundle: bundle, plugins: [plugin] }, history, workflowId);
  await replay();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    await replay();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return percentile(samples.sort((a, b) => a - b), 50);
}
