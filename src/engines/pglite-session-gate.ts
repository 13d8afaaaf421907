/**
 * PGlite is one Postgres session. When it is shared over a socket, that session is used by this process and by every
 * socket connection, so each user must have it alone for a whole unit of work: a local query or transaction, or a
 * connection's run of protocol messages until it is idle outside a transaction again. The gate hands the session
 * to one holder at a time, first come first served.
 */
export class SessionGate {
  private holder: unknown = NO_HOLDER;
  private readonly waiting: Waiter[] = [];

  /** Who has the session now, or undefined. */
  get current(): unknown {
    return this.holder === NO_HOLDER ? undefined : this.holder;
  }

  /** Resolves once `who` has the session; at once when `who` has it already (a connection mid-sequence). */
  acquire(who: unknown): Promise<void> {
    if (this.holder === NO_HOLDER) {
      this.holder = who;
      return Promise.resolve();
    }
    if (this.holder === who) return Promise.resolve();
    return new Promise((grant, refuse) => this.waiting.push({ who, grant, refuse }));
  }

  /** Passes the session to the next waiter; a no-op unless `who` holds it. */
  release(who: unknown): void {
    if (this.holder !== who) return;
    const next = this.waiting.shift();
    this.holder = next ? next.who : NO_HOLDER;
    next?.grant();
  }

  /** Refuses every pending acquire by `who` (a connection that went away). */
  withdraw(who: unknown, reason: Error): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const waiter = this.waiting[i]!;
      if (waiter.who !== who) continue;
      this.waiting.splice(i, 1);
      waiter.refuse(reason);
    }
  }

  /** Runs `fn` holding the session under a fresh identity, so concurrent local callers queue up. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const token = {};
    await this.acquire(token);
    try {
      return await fn();
    } finally {
      this.release(token);
    }
  }
}

const NO_HOLDER = Symbol('no holder');

interface Waiter {
  readonly who: unknown;
  readonly grant: () => void;
  readonly refuse: (reason: Error) => void;
}
