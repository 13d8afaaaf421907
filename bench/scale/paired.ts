import { timed, type Operation } from '../lib/measure';

export interface PairedResult {
  /** Median over pairs of (our call ÷ the floor call beside it). */
  readonly ratio: number;
  readonly oursP50Ms: number;
  readonly floorP50Ms: number;
}

/**
 * Times `ours` and `floor` in pairs, one call each, alternating which goes first, after untimed warm-ups (indexes
 * `-warmup`..`-1`). The ratio is the median of the pairs' ratios: two calls made back to back share the load of a
 * busy machine far better than two series do, so bursts from other processes move the ratio much less.
 */
export async function pairedRatio(
  ours: Operation,
  floor: Operation,
  options: { readonly warmup: number; readonly iterations: number },
): Promise<PairedResult> {
  for (let i = -options.warmup; i < 0; i++) {
    await ours(i);
    await floor(i);
  }
  const ratios: number[] = [];
  const oursMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const [o, f] = i % 2 === 0 ? [await timed(ours, i), await timed(floor, i)] : swap(await timed(floor, i), await timed(ours, i));
    ratios.push(o / f);
    oursMs.push(o);
    floorMs.push(f);
  }
  return { ratio: median(ratios), oursP50Ms: median(oursMs), floorP50Ms: median(floorMs) };
}

function swap(floorMs: number, oursMs: number): [number, number] {
  return [oursMs, floorMs];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
