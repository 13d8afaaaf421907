import type { XComBackend } from '../../src/store/backend';

/**
 * Times every `commit` of one store instance (wrapping the method on the instance, from the bench only), so the
 * commit's cost inside real activities can be compared with its cost measured alone. Returns the live samples (ms).
 */
export function timeCommits(store: XComBackend): number[] {
  const samples: number[] = [];
  const commit = store.commit.bind(store);
  store.commit = async (writes) => {
    const start = process.hrtime.bigint();
    try {
      return await commit(writes);
    } finally {
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  return samples;
}
