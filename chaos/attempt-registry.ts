/**
 * What the attempts of each task instance did in this worker process: the state zombies wait on, so that the order
 * of a zombie's commit and its retry's commit comes from events, never from sleeps. A zombie and its retry always
 * share a process: when the worker dies, its zombies die with it.
 */
export class AttemptRegistry {
  readonly #started = new Map<string, number>();
  readonly #committed = new Map<string, number>();
  readonly #settled = new Set<string>();
  /** Zombies that promised to commit before their retry does: instance → attempts. */
  readonly #zombiesFirst = new Map<string, Set<number>>();
  readonly #waiters = new Set<() => void>();

  started(instance: string, attempt: number): void {
    this.#started.set(instance, Math.max(attempt, this.#started.get(instance) ?? 0));
    this.#changed();
  }

  /** The attempt's commit returned (`committed`), or it ended without one. */
  settled(instance: string, attempt: number, committed: boolean): void {
    this.#settled.add(`${instance}#${attempt}`);
    if (committed) this.#committed.set(instance, Math.max(attempt, this.#committed.get(instance) ?? 0));
    this.#changed();
  }

  /** A zombie that will commit as soon as a newer attempt has started; that attempt waits for it (`zombiesFirst`). */
  commitsFirst(instance: string, attempt: number): void {
    const attempts = this.#zombiesFirst.get(instance) ?? new Set<number>();
    attempts.add(attempt);
    this.#zombiesFirst.set(instance, attempts);
  }

  startedAfter(instance: string, attempt: number): boolean {
    return (this.#started.get(instance) ?? 0) > attempt;
  }

  committedAfter(instance: string, attempt: number): boolean {
    return (this.#committed.get(instance) ?? 0) > attempt;
  }

  /** Whether every older zombie that promised to commit first has settled. */
  zombiesFirstSettled(instance: string, attempt: number): boolean {
    const zombies = [...(this.#zombiesFirst.get(instance) ?? [])].filter((a) => a < attempt);
    return zombies.every((a) => this.#settled.has(`${instance}#${a}`));
  }

  /** Resolves true once `condition` holds (checked on every change), false after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        finish(true);
      };
      const finish = (held: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(held);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#waiters.add(check);
    });
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }
}

export const attempts = new AttemptRegistry();
