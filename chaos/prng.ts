/**
 * A small seeded PRNG (mulberry32): the same seed gives the same plans and kill schedules, so a failing run can be
 * replayed with `--seed`. Not for anything secret.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Prng.pick: no items');
    return items[Math.floor(this.next() * items.length)]!;
  }

}

/** The seed of one part of the work (a run): runs stay reproducible one by one, whatever the others drew. */
export function deriveSeed(seed: number, label: number): number {
  const mixed = new Prng(seed ^ Math.imul(label + 1, 0x9e3779b1));
  return Math.floor(mixed.next() * 4294967296) >>> 0;
}
