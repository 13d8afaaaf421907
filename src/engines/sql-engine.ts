/**
 * The one seam between the store and a database. Two engines implement it with the same SQL:
 * a Postgres server through `pg`, and embedded Postgres (PGlite) in a local directory.
 */
export interface SqlExecutor {
  /** Runs one parameterised statement (`$1`, `$2`, …) and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
  /** Runs a script of several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface QueryOptions {
  /**
   * A stable name for a hot statement whose text never changes: an engine may keep it prepared on each connection
   * and reuse its plan instead of parsing and planning it on every call.
   */
  readonly prepareAs?: string;
}

export interface SqlEngine extends SqlExecutor {
  /** `postgres` for a server reached through `pg`, `pglite` for the embedded engine. */
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, for messages and `xcom status` (no password). */
  readonly description: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (and with `''` after a lost connection is restored, since
   * notifications may have been missed) until the returned function is called. Absent when the engine cannot LISTEN
   * for other processes' notifications (a store reached through another process's socket): poll instead.
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Runs `fn` on one connection of its own, outside any transaction: each statement commits on its own, and a
   * statement may manage transactions itself (`call` of a procedure that commits, `create index concurrently`).
   * Session-level locks taken in `fn` must be released in `fn`.
   */
  session?<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T>;
  /** Closes what the engine owns (a pool it built, the embedded database); never a pool the user passed. */
  close(): Promise<void>;
}
