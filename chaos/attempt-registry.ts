import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlExecutor } from '../src/engines/sql-engine';

/** The harness's own table beside the store's schema: what each attempt of each task instance did, in any worker. */
export const ATTEMPTS_DDL = `
  create schema if not exists chaos;
  create table if not exists chaos.attempts (
    run_id        text    not null,
    instance      text    not null,
    attempt       integer not null,
    pid           integer not null,
    -- A zombie that commits as soon as a newer attempt has started; that attempt waits until it settled.
    commits_first boolean not null default false,
    settled       boolean not null default false,
    committed     boolean not null default false,
    primary key (run_id, instance, attempt)
  );`;

const POLL_MS = 100;
const OF_INSTANCE = 'run_id = $1 and instance = $2';

/**
 * The state zombies and retries wait on, in the database so a zombie in one worker process and its retry in another
 * see each other: the order of a zombie's commit and its retry's commit comes from these rows, never from sleeps.
 * The harness settles the attempts of a worker it saw die (`settleDeadWorker`).
 */
export class AttemptRegistry {
  constructor(private readonly db: SqlExecutor) {}

  async started(runId: string, instance: string, attempt: number): Promise<void> {
    await this.db.query(
      `insert into chaos.attempts (run_id, instance, attempt, pid) values ($1, $2, $3, $4)
       on conflict (run_id, instance, attempt) do update set pid = excluded.pid, settled = false, committed = false`,
      [runId, instance, attempt, process.pid],
    );
  }

  /** The attempt's commit returned (`committed`), or it ended without one. */
  async settled(runId: string, instance: string, attempt: number, committed: boolean): Promise<void> {
    await this.db.query(
      `update chaos.attempts set settled = true, committed = $4 where run_id = $1 and instance = $2 and attempt = $3`,
      [runId, instance, attempt, committed],
    );
  }

  async commitsFirst(runId: string, instance: string, attempt: number): Promise<void> {
    await this.db.query(
      `update chaos.attempts set commits_first = true where run_id = $1 and instance = $2 and attempt = $3`,
      [runId, instance, attempt],
    );
  }

  /** Resolves true once a newer attempt of the instance has started, false after `timeoutMs`. */
  startedAfter(runId: string, instance: string, attempt: number, timeoutMs: number): Promise<boolean> {
    return this.#until(`select 1 from chaos.attempts where ${OF_INSTANCE} and attempt > $3 limit 1`, [runId, instance, attempt], timeoutMs);
  }

  /** Resolves true once a newer attempt of the instance has committed, false after `timeoutMs`. */
  committedAfter(runId: string, instance: string, attempt: number, timeoutMs: number): Promise<boolean> {
    const sql = `select 1 from chaos.attempts where ${OF_INSTANCE} and attempt > $3 and committed limit 1`;
    return this.#until(sql, [runId, instance, attempt], timeoutMs);
  }

  /** Resolves true once every older zombie that commits first has settled, false after `timeoutMs`. */
  zombiesFirstSettled(runId: string, instance: string, attempt: number, timeoutMs: number): Promise<boolean> {
    const pending = `select 1 from chaos.attempts where ${OF_INSTANCE} and attempt < $3 and commits_first and not settled`;
    return this.#until(`select 1 where not exists (${pending})`, [runId, instance, attempt], timeoutMs);
  }

  /** Polls until `sql` returns a row: a state to wait for, checked every 100 ms. */
  async #until(sql: string, params: unknown[], timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if ((await this.db.query(sql, params)).length > 0) return true;
      if (performance.now() >= deadline) return false;
      await sleep(POLL_MS);
    }
  }
}

/** The attempts a worker process was running when it died: settled, never committed (in this process). */
export async function settleDeadWorker(db: SqlExecutor, pid: number): Promise<void> {
  await db.query(`update chaos.attempts set settled = true where pid = $1 and not settled`, [pid]);
}

let registry: AttemptRegistry | undefined;

/** The worker process's registry, on its store's database (set up by chaos/worker.ts before any attempt runs). */
export function attempts(): AttemptRegistry {
  if (!registry) throw new Error('chaos: the attempt registry is not set up');
  return registry;
}

export function setUpAttempts(db: SqlExecutor): void {
  registry = new AttemptRegistry(db);
}
