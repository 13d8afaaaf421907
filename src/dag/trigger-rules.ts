// Pure module: Airflow's trigger rules as one decision function.
import type { TaskState, TriggerRule } from './spec';

/** What to do with a task that has not started, given its upstream tasks' states. */
export type TriggerDecision = 'wait' | 'run' | 'skipped' | 'upstream_failed';

const TERMINAL: ReadonlySet<TaskState> = new Set(['success', 'failed', 'skipped', 'upstream_failed']);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state);
}

/**
 * Decides as early as the rule allows: `all_success` gives up on the first failure, `one_success` runs on the first
 * success, and so on. A skipped upstream skips an `all_success` task (skip propagation).
 */
export function decideTrigger(rule: TriggerRule, upstream: readonly TaskState[]): TriggerDecision {
  const total = upstream.length;
  let success = 0;
  let failed = 0;
  let skipped = 0;
  for (const state of upstream) {
    if (state === 'success') success += 1;
    else if (state === 'failed' || state === 'upstream_failed') failed += 1;
    else if (state === 'skipped') skipped += 1;
  }
  const allDone = success + failed + skipped === total;
  switch (rule) {
    case 'always':
      return 'run';
    case 'all_success':
      if (failed > 0) return 'upstream_failed';
      if (skipped > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
    case 'all_failed':
      if (success > 0 || skipped > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
    case 'all_done':
      return allDone ? 'run' : 'wait';
    case 'one_success':
      if (success > 0 || total === 0) return 'run';
      if (!allDone) return 'wait';
      return failed === total ? 'upstream_failed' : 'skipped';
    case 'one_failed':
      if (failed > 0 || total === 0) return 'run';
      return allDone ? 'skipped' : 'wait';
    case 'none_failed':
      if (failed > 0) return 'upstream_failed';
      return allDone ? 'run' : 'wait';
    case 'none_skipped':
      if (skipped > 0) return 'skipped';
      return allDone ? 'run' : 'wait';
    case 'none_failed_min_one_success':
      if (failed > 0) return 'upstream_failed';
      if (!allDone) return 'wait';
      return success > 0 || total === 0 ? 'run' : 'skipped';
  }
}
