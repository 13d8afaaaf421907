import { summarize, type Summary } from './percentiles';

/** One timed operation; `i` is unique per call within a series, for keys that must not repeat. */
export type Operation = (i: number) => Promise<void>;

export interface CompareOptions {
  /** Untimed calls of each side before measuring. */
  readonly warmup: number;
  /** Timed calls of each side. */
  readonly iterations: number;
  /**
   * The timed calls are split into this many blocks, alternating ours and the floor (and which goes first), so
   * drifting load on a shared machine hits both sides alike. @default 40
   */
  readonly rounds?: number;
  /** Operations one call stands for (the batch size of a batched call). @default 1 */
  readonly opsPerCall?: number;
}

export interface Comparison {
  readonly ours: Summary;
  readonly floor: Summary;
}

/** Times `ours` and `floor` in interleaved blocks. Warm-up calls use indexes from `-warmup` to `-1`. */
export async function compare(ours: Operation, floor: Operation, options: CompareOptions): Promise<Comparison> {
  const rounds = Math.max(1, Math.min(options.rounds ?? 40, options.iterations));
  for (let i = -options.warmup; i < 0; i++) {
    await ours(i);
    await floor(i);
  }
  const oursMs: number[] = [];
  const floorMs: number[] = [];
  let next = 0;
  for (let round = 0; round < rounds; round++) {
    const end = Math.round(((round + 1) * options.iterations) / rounds);
    const sides: [Operation, number[]][] = [
      [ours, oursMs],
      [floor, floorMs],
    ];
    if (round % 2 === 1) sides.reverse();
    for (const [op, samples] of sides) {
      for (let i = next; i < end; i++) samples.push(await timed(op, i));
    }
    next = end;
  }
  const opsPerCall = options.opsPerCall ?? 1;
  return { ours: summarize(oursMs, opsPerCall), floor: summarize(floorMs, opsPerCall) };
}

/** Times one side alone (no floor), same warm-up rule. */
export async function measure(op: Operation, options: Omit<CompareOptions, 'rounds'>): Promise<Summary> {
  for (let i = -options.warmup; i < 0; i++) await op(i);
  const samples: number[] = [];
  for (let i = 0; i < options.iterations; i++) samples.push(await timed(op, i));
  return summarize(samples, options.opsPerCall ?? 1);
}

export async function timed(op: Operation, i: number): Promise<number> {
  const start = process.hrtime.bigint();
  await op(i);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
