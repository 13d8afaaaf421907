import { allInstances, attemptUploads, attemptUploadsMultipart, instanceName } from './dag-shape';
import { deriveSeed, Prng } from './prng';

/**
 * Where an attempt SIGKILLs its own worker: in the task before the commit; after its objects' rows were touched but
 * before the upload; after the upload but before the commit; after the first part of a multipart upload; right after
 * the commit, before Temporal hears of the result.
 */
export type KillPoint = 'before-commit' | 'after-touch' | 'after-upload' | 'mid-upload' | 'after-commit';

/**
 * How an attempt outlives its timeout and commits late: `after` the retry committed (its commit is fenced), `before`
 * the retry commits (the retry waits for it, then supersedes it), or in a `race` with the retry.
 */
export type ZombieMode = 'after' | 'before' | 'race';

export interface AttemptPlan {
  readonly kill?: KillPoint;
  readonly zombie?: ZombieMode;
}

/** Per task instance (`instanceName`), what its attempts 1..n do; later attempts just run. */
export type AttemptPlans = Readonly<Record<string, readonly AttemptPlan[]>>;

export interface RunPlan {
  readonly index: number;
  /** The seed this run's plan came from (derived from the invocation's seed and the run index). */
  readonly seed: number;
  readonly attempts: AttemptPlans;
  /** The harness SIGKILLs worker `worker` this long after the run started or its previous kill, once per entry. */
  readonly harnessKills: readonly HarnessKill[];
}

export interface HarnessKill {
  readonly delayMs: number;
  /** Which of the run's worker processes. */
  readonly worker: number;
}

export interface ChaosRates {
  /** Probability that a planned attempt kills its worker. */
  readonly kill: number;
  /** Probability that a planned attempt becomes a zombie. */
  readonly zombie: number;
  /** At most this many kills of the worker from outside per run (0..n, uniformly). */
  readonly maxHarnessKills: number;
}

export const DEFAULT_RATES: ChaosRates = { kill: 0.1, zombie: 0.2, maxHarnessKills: 2 };

/** Attempts past this number run plainly, so every run completes. */
const PLANNED_ATTEMPTS = 3;
const ZOMBIE_MODES: readonly ZombieMode[] = ['after', 'before', 'race'];

export function planRun(seed: number, index: number, rates: ChaosRates, workers: number): RunPlan {
  const runSeed = deriveSeed(seed, index);
  const prng = new Prng(runSeed);
  const attempts: Record<string, AttemptPlan[]> = {};
  for (const { taskId, mapIndex } of allInstances()) {
    const plans: AttemptPlan[] = [];
    for (let attempt = 1; attempt <= PLANNED_ATTEMPTS; attempt++) {
      const roll = prng.next();
      if (roll < rates.kill) plans.push({ kill: prng.pick(killPointsFor(taskId, mapIndex, attempt)) });
      else if (roll < rates.kill + rates.zombie) plans.push({ zombie: prng.pick(ZOMBIE_MODES) });
      else plans.push({});
    }
    attempts[instanceName(taskId, mapIndex)] = plans;
  }
  const harnessKills = Array.from({ length: prng.int(0, rates.maxHarnessKills) }, () => ({
    delayMs: prng.int(500, 8000),
    worker: prng.int(0, workers - 1),
  }));
  return { index, seed: runSeed, attempts, harnessKills };
}

function killPointsFor(taskId: string, mapIndex: number, attempt: number): KillPoint[] {
  const points: KillPoint[] = ['before-commit', 'after-commit'];
  if (attemptUploads(taskId, mapIndex, attempt)) points.push('after-touch', 'after-upload');
  if (attemptUploadsMultipart(taskId, mapIndex)) points.push('mid-upload', 'mid-upload');
  return points;
}
