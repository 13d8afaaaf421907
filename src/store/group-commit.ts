import type { AttemptGroup, CommitOutcome } from './commit-statement';

/** One attempt's share of a group commit. */
export interface AttemptOutcome {
  readonly won: boolean;
  readonly written: readonly boolean[];
  readonly superseded: number;
  /** Why the commit refused this attempt (JSON, see `refusalError`); nothing of it was committed. */
  readonly refusal: string | null;
}

interface Pending {
  readonly group: AttemptGroup;
  readonly resolve: (outcome: AttemptOutcome) => void;
  readonly reject: (err: unknown) => void;
}

/** Runs the commit of several attempts as one statement (one transaction, one WAL flush). */
export type CommitMany = (groups: readonly AttemptGroup[]) => Promise<CommitOutcome>;

const instanceOf = (g: AttemptGroup) => JSON.stringify([g.instance.dagId, g.instance.runId, g.instance.taskId, g.instance.mapIndex]);

/**
 * Group commit: while one commit is in flight, the attempts that arrive wait and then go together in the next
 * statement. A lone commit goes at once (no window, no added latency); under fan-out, 64 concurrent tasks become a
 * few transactions instead of 64 fighting for the WAL flush. Each caller still gets its own outcome, after its rows
 * are durable. If a batch fails, its attempts are retried one by one, so one attempt's failure (an object collected
 * under it, say) is that attempt's error alone. Two attempts of one task instance never share a statement.
 */
export class GroupCommitter {
  readonly #queue: Pending[] = [];
  #flushing = false;

  constructor(
    private readonly commitMany: CommitMany,
    private readonly maxBatch = 64,
  ) {}

  submit(group: AttemptGroup): Promise<AttemptOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ group, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) await this.#commit(this.#takeBatch());
    } finally {
      this.#flushing = false;
    }
  }

  /** Up to `maxBatch` queued attempts with distinct task instances, in arrival order. */
  #takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const instances = new Set<string>();
    for (let i = 0; i < this.#queue.length && batch.length < this.maxBatch; ) {
      const key = instanceOf(this.#queue[i]!.group);
      if (instances.has(key)) {
        i++;
        continue;
      }
      instances.add(key);
      batch.push(...this.#queue.splice(i, 1));
    }
    return batch;
  }

  async #commit(batch: readonly Pending[]): Promise<void> {
    let outcome: CommitOutcome;
    try {
      outcome = await this.commitMany(batch.map((p) => p.group));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const pending of batch) await this.#commit([pending]);
      return;
    }
    let entry = 0;
    batch.forEach((pending, i) => {
      const count = pending.group.entries.length;
      pending.resolve({
        won: outcome.won[i]!,
        written: outcome.written.slice(entry, entry + count),
        superseded: outcome.superseded[i]!,
        // A refusal (a consume lost, a key owned by another task) is this attempt's alone: the others committed.
        refusal: outcome.refusals?.[i] ?? null,
      });
      entry += count;
    });
  }
}
