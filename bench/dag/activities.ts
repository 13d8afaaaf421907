// The bench's tasks: a list, one tiny task per item, and a reduce. The same functions serve all three sides.

/** [1..count]: the list the fan-out maps over. */
export async function numbers(count: number): Promise<number[]> {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** One mapped instance: as little work as a task can do, so what is measured is the orchestration. */
export async function double(x: number): Promise<number> {
  if (typeof x !== 'number') throw new TypeError(`double expected a number, got ${typeof x}`);
  return x * 2;
}

/** The reduce over every instance's result. */
export async function sum(values: number[]): Promise<number> {
  if (!Array.isArray(values)) throw new TypeError(`sum expected a list, got ${typeof values}`);
  return values.reduce((total, v) => total + v, 0);
}
