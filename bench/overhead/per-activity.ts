import { summarize, type Summary } from '../lib/percentiles';
import { workflowTimings, type ActivityTiming } from './history-latency';
import type { Side } from './workers';
import type { sequentialSmallActivities } from './workflows';

export interface PerActivityPlan {
  /** Activities per workflow run. */
  readonly count: number;
  /** Measured rounds; each runs the workflow once per side, the side going first alternating. */
  readonly rounds: number;
  /** Activities in the untimed warm-up run of each side. */
  readonly warmupCount: number;
}

export interface SideLatency {
  readonly total: Summary;
  readonly dispatch: Summary;
  readonly run: Summary;
  /** The workflow task between two activities. */
  readonly gap: Summary;
  /** Workflow start → completion, divided by the activities it ran (mean over all rounds). */
  readonly workflowPerActivityMs: number;
}

export interface PerActivityResult {
  readonly plan: PerActivityPlan;
  readonly withoutPlugin: SideLatency;
  readonly withPlugin: SideLatency;
}

/** Runs the N-activity workflow on every side, interleaved, and pools the activity latencies from the histories. */
export async function benchPerActivity(
  sides: { readonly bare: Side; readonly xcom: Side },
  plan: PerActivityPlan,
  step: (what: string) => void,
): Promise<PerActivityResult> {
  const [withPlugin, withoutPlugin] = await benchSides([sides.xcom, sides.bare], plan, step, 'sequentialSmallActivities');
  return { plan, withoutPlugin: withoutPlugin!, withPlugin: withPlugin! };
}

/**
 * Runs `workflowType(count)` on each side (a warm-up run each, then rounds whose first side alternates) and returns
 * each side's pooled latencies, in the order given.
 */
export async function benchSides(
  all: readonly Side[],
  plan: PerActivityPlan,
  step: (what: string) => void,
  workflowType: SmallWorkflow,
): Promise<SideLatency[]> {
  const samples = new Map<Side, { timings: ActivityTiming[]; workflowMs: number }>(all.map((s) => [s, { timings: [], workflowMs: 0 }]));
  step(`warm-up: ${plan.warmupCount} activities per side`);
  for (const side of all) await runOnce(side, plan.warmupCount, workflowType);
  for (let round = 0; round < plan.rounds; round++) {
    // The side that goes first alternates from round to round.
    for (const side of round % 2 === 1 ? [...all].reverse() : all) {
      step(`round ${round + 1}/${plan.rounds}: ${plan.count} activities, ${side.label}`);
      const timings = await runOnce(side, plan.count, workflowType);
      const into = samples.get(side)!;
      into.timings.push(...timings.activities);
      into.workflowMs += timings.workflowMs;
    }
  }
  return all.map((side): SideLatency => {
    const { timings, workflowMs } = samples.get(side)!;
    return {
      total: summarize(timings.map((t) => t.totalMs)),
      dispatch: summarize(timings.map((t) => t.dispatchMs)),
      run: summarize(timings.map((t) => t.runMs)),
      // The first activity's gap includes the first workflow task (start-up); keep only the between-activity ones.
      gap: summarize(timings.filter((_, i) => i % plan.count !== 0).map((t) => t.gapBeforeMs)),
      workflowPerActivityMs: workflowMs / timings.length,
    };
  });
}

/** The bench workflows that run `count` small activities in sequence. */
export type SmallWorkflow = 'sequentialSmallActivities' | 'pullingSmallActivities';

async function runOnce(side: Side, count: number, workflowType: SmallWorkflow): Promise<{ activities: ActivityTiming[]; workflowMs: number }> {
  const workflowId = `bench-small-${side.taskQueue}-${Date.now()}`;
  const done = await side.client.workflow.execute<typeof sequentialSmallActivities>(workflowType, {
    taskQueue: side.taskQueue,
    workflowId,
    args: [count],
  });
  if (done !== count) throw new Error(`${workflowId} returned ${String(done)}, expected ${count}`);
  const timings = await workflowTimings(side.client, workflowId);
  if (timings.activities.length !== count) throw new Error(`${workflowId}: ${timings.activities.length} activities in history, expected ${count}`);
  return timings;
}
