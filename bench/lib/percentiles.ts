/** Latency and throughput of one measured series. */
export interface Summary {
  /** Samples taken. */
  readonly n: number;
  /** Operations each sample stands for (1, or the batch size). */
  readonly opsPerSample: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Sequential throughput: operations over the summed time of the samples. */
  readonly opsPerSec: number;
}

/** Nearest-rank percentile of an ascending array (`p` in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samplesMs: readonly number[], opsPerSample = 1): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const totalMs = sorted.reduce((sum, ms) => sum + ms, 0);
  return {
    n: sorted.length,
    opsPerSample,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: totalMs / sorted.length,
    opsPerSec: (sorted.length * opsPerSample) / (totalMs / 1000),
  };
}
