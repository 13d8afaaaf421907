import type { XComBackend } from '../../src/store/backend';

/** Calls of one store method during one workflow run, and their latencies (concurrent calls overlap). */
export interface MethodCalls {
  readonly calls: number;
  readonly totalMs: number;
  readonly samplesMs: readonly number[];
}

export type ProbedMethod = 'get' | 'mapped' | 'count' | 'getMany' | 'commit' | 'commitAttempt';
export type StoreCalls = Readonly<Record<ProbedMethod, MethodCalls>>;

const PROBED: readonly ProbedMethod[] = ['get', 'mapped', 'count', 'getMany', 'commit', 'commitAttempt'];

export interface StoreProbe {
  /** Starts a new window of counting. */
  reset(): void;
  /** What was called since the last reset. */
  snapshot(): StoreCalls;
}

/**
 * Counts and times the reads and commits the plugin's store serves, by wrapping the methods of the instance the
 * plugin uses (the bench's view only; the store is unchanged). Reads in an activity's arguments (item resolution,
 * sequences) are `get` and `mapped`; `count` is the runner's `__xcom_length`; `commitAttempt` records each task attempt's result and pushes (`commit`:
 * writes outside an attempt).
 */
export function probeStore(backend: XComBackend): StoreProbe {
  let current = fresh();
  const target = backend as unknown as Record<ProbedMethod, (...args: unknown[]) => Promise<unknown>>;
  for (const method of PROBED) {
    const original = target[method].bind(backend);
    target[method] = async (...args: unknown[]) => {
      const start = process.hrtime.bigint();
      try {
        return await original(...args);
      } finally {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const into = current[method];
        into.calls += 1;
        into.totalMs += ms;
        into.samplesMs.push(ms);
      }
    };
  }
  return {
    reset: () => void (current = fresh()),
    snapshot: () => current,
  };
}

type Counting = { calls: number; totalMs: number; samplesMs: number[] };

function fresh(): Record<ProbedMethod, Counting> {
  const counts = {} as Record<ProbedMethod, Counting>;
  for (const method of PROBED) counts[method] = { calls: 0, totalMs: 0, samplesMs: [] };
  return counts;
}
