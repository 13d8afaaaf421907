import type { XComBackend } from '../../src/store/backend';

/**
 * Times every `commitAttempt` of one store instance (how a task attempt records its result and pushes; wrapping the
 * method on the instance, from the bench only), so the commit's cost inside real activities can be compared with its
 * cost measured alone. Returns the live samples (ms).
 */
export function timeCommits(store: XComBackend): number[] {
  const samples: number[] = [];
  const commitAttempt = store.commitAttempt.bind(store);
  store.commitAttempt = async (commit) => {
    const start = process.hrtime.bigint();
    try {
      return await commitAttempt(commit);
    } finally {
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  return samples;
}
