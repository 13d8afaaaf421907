import { XComConfigError } from '../errors';
import type { XComBackend } from '../store/backend';
import { assertId, formatIdentity, MAX_ID_LENGTH, MAX_KEY_LENGTH } from '../store/identity';
import type { MappedScope, XComFilter } from '../store/types';

export interface LazyXComSequenceOptions {
  /** Rows read per round trip while iterating. @default 100 */
  readonly batchSize?: number;
}

/** Past the largest map index (int4), so a count covers every mapped row. */
const MAP_INDEX_END = 2 ** 31;

/**
 * The mapped results of one task under one key in one run, ordered by map index, read on demand (Airflow's
 * `LazyXComSequence`). Position i is the i-th existing row: a mapped instance that pushed nothing (it returned null)
 * has no row and takes no position. Nothing is cached, so each call sees what is committed at that moment.
 */
export class LazyXComSequence<T = unknown> implements AsyncIterable<T> {
  readonly scope: MappedScope;
  readonly #store: XComBackend;
  readonly #batchSize: number;

  constructor(store: XComBackend, scope: MappedScope, options: LazyXComSequenceOptions = {}) {
    assertId('dagId', scope.dagId, MAX_ID_LENGTH);
    assertId('runId', scope.runId, MAX_ID_LENGTH);
    assertId('taskId', scope.taskId, MAX_ID_LENGTH);
    assertId('key', scope.key, MAX_KEY_LENGTH);
    const batchSize = options.batchSize ?? 100;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new XComConfigError(`LazyXComSequence batchSize must be a positive integer, got ${batchSize}`);
    }
    this.#store = store;
    this.scope = { dagId: scope.dagId, runId: scope.runId, taskId: scope.taskId, key: scope.key };
    this.#batchSize = batchSize;
  }

  /** How many mapped results exist (Airflow's `len()`): one count query. */
  async length(): Promise<number> {
    return this.#store.count(this.#countFilter());
  }

  /**
   * The value at a position; negative counts from the end. Out of range → `RangeError` (Airflow raises
   * IndexError). Reads one row; a negative index also counts first.
   */
  async at(index: number): Promise<T> {
    assertPosition('index', index);
    let length = index < 0 ? await this.length() : undefined;
    const offset = length === undefined ? index : length + index;
    const [row] = offset < 0 ? [] : await this.#store.mapped(this.scope, { offset, limit: 1 });
    if (!row) {
      length ??= await this.length();
      throw new RangeError(
        `LazyXComSequence index ${index} is out of range for ${this.#describe()}: its length is ${length}` +
          (length > 0 ? ` (valid indexes ${-length}..${length - 1})` : ''),
      );
    }
    return row.value as T;
  }

  /**
   * Values at positions [start, stop), as Python slices: negatives count from the end, bounds are clamped, an
   * empty range gives []. Counts first only when a bound is negative.
   */
  async slice(start?: number, stop?: number): Promise<T[]> {
    if (start !== undefined) assertPosition('start', start);
    if (stop !== undefined) assertPosition('stop', stop);
    let from = start ?? 0;
    let to = stop;
    if (from < 0 || (to !== undefined && to < 0)) {
      const length = await this.length();
      from = clamp(from, length);
      to = to === undefined ? undefined : clamp(to, length);
    }
    if (to !== undefined && to <= from) return [];
    const range = to === undefined ? { offset: from } : { offset: from, limit: to - from };
    const rows = await this.#store.mapped(this.scope, range);
    return rows.map((row) => row.value as T);
  }

  /** Reads forward in batches of `batchSize`, stopping at the first short batch. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (let offset = 0; ; offset += this.#batchSize) {
      const rows = await this.#store.mapped(this.scope, { offset, limit: this.#batchSize });
      for (const row of rows) yield row.value as T;
      if (rows.length < this.#batchSize) return;
    }
  }

  /** Every value, in one read (what pushing or returning a lazy sequence coerces it to in Airflow). */
  async toArray(): Promise<T[]> {
    return (await this.#store.mapped(this.scope)).map((row) => row.value as T);
  }

  #countFilter(): XComFilter {
    const { dagId, runId, taskId, key } = this.scope;
    return { dagId, runId, taskIds: taskId, key, mapIndexes: { start: 0, stop: MAP_INDEX_END } };
  }

  #describe(): string {
    return `the mapped results of ${formatIdentity(this.scope)}`;
  }
}

function assertPosition(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(`LazyXComSequence ${name} must be an integer, got ${String(value)}`);
  }
}

/** Python's slice bound: negative from the end, then clamped to [0, length]. */
function clamp(bound: number, length: number): number {
  return bound < 0 ? Math.max(0, length + bound) : Math.min(bound, length);
}
