import type { SqlEngine } from '../engines/sql-engine';
import { quoteSchema } from '../migrations/schema-name';

/** Runs whose owner this process has already confirmed; an owner never changes while its run exists. */
const CACHE_LIMIT = 10_000;

/**
 * Who owns each DAG run: the workflow type whose task first wrote it (`run_owners`). A task of another type writing
 * into the run is refused, whatever workflow id it was started with.
 */
export class RunOwners {
  readonly #confirmed = new Map<string, string>();
  readonly #q: string;

  constructor(
    private readonly engine: SqlEngine,
    schema: string,
  ) {
    this.#q = quoteSchema(schema);
  }

  /** Claims the run for `workflowType` if nobody owns it; returns the owner's workflow type. */
  async claim(dagId: string, runId: string, workflowType: string): Promise<string> {
    const cacheKey = `${dagId}\u001f${runId}`;
    const known = this.#confirmed.get(cacheKey);
    if (known !== undefined) return known;
    // `do update` (a no-op) rather than `do nothing`: it waits for a concurrent claim and returns the row that won.
    // Without waiting for the WAL flush (the claim would otherwise cost a commit's fsync once per run): a claim lost
    // to a database crash is made again by the run's next task, and an impostor would need that exact window.
    const [row] = await this.engine.transaction(async (tx) => {
      await tx.query(`set local synchronous_commit = off`);
      return tx.query<{ workflow_type: string }>(
        `insert into ${this.#q}.run_owners as o (dag_id, run_id, workflow_type) values ($1, $2, $3)
         on conflict (dag_id, run_id) do update set workflow_type = o.workflow_type
         returning o.workflow_type`,
        [dagId, runId, workflowType],
      );
    });
    const owner = row!.workflow_type;
    if (this.#confirmed.size >= CACHE_LIMIT) this.#confirmed.clear();
    this.#confirmed.set(cacheKey, owner);
    return owner;
  }
}
