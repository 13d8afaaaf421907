import { actorParams, type AuditActor } from '../../audit/audit-actor';
import type { SqlEngine, SqlExecutor } from '../../engines/sql-engine';
import type { RetentionOptions, RetentionResult } from './types';

/** Which runs to delete: a condition on `dag_runs r`, given a function that binds a parameter and names it. */
export interface RunSelector {
  readonly where: (bind: (value: unknown) => string) => string;
  /** Purges keep entries whose own retention outlives their run; explicit clears remove everything. */
  readonly honourRetention: boolean;
}

interface Totals {
  runs: number;
  entries: number;
  bytes: number;
  ledger: number;
  kept: number;
}

const DEFAULT_BATCH = 50;

/**
 * Deletes the selected runs in batches of `batchSize` runs, one transaction each, so no lock is held long and no
 * transaction grows with the purge. Each batch first locks its runs' `dag_runs` rows (skipping rows a committing
 * task holds: that run is taken by a later call), then, in a statement started after the locks, removes their
 * entries, ledger, outbox and ended subscriptions, and the run itself unless entries with a longer retention remain.
 * A commit to a locked run waits (it upserts that row) and lands after the batch: it is never half-deleted.
 * Each run a batch deletes from gets an audit row naming `actor` and how many entries went.
 */
export async function deleteRuns(
  engine: SqlEngine,
  schema: string,
  actor: AuditActor,
  selector: RunSelector,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const batchSize = positive('batchSize', options.batchSize ?? DEFAULT_BATCH);
  if (options.dryRun) return { dryRun: true, ...(await countRuns(engine, schema, selector)) };
  const totals: Totals = { runs: 0, entries: 0, bytes: 0, ledger: 0, kept: 0 };
  // Runs that keep entries stay selectable; remember them so one call never takes them twice.
  const keptRuns: [string, string][] = [];
  for (;;) {
    const batch = await engine.transaction((tx) => deleteBatch(tx, schema, actor, selector, batchSize, keptRuns));
    totals.runs += batch.runs;
    totals.entries += batch.entries;
    totals.bytes += batch.bytes;
    totals.ledger += batch.ledger;
    totals.kept += batch.kept;
    keptRuns.push(...batch.keptRuns);
    options.onProgress?.({ runs: totals.runs, entries: totals.entries, bytes: totals.bytes });
    if (batch.selected < batchSize) break;
  }
  return { dryRun: false, ...totals };
}

interface BatchResult extends Totals {
  selected: number;
  keptRuns: [string, string][];
}

async function deleteBatch(
  tx: SqlExecutor,
  schema: string,
  actor: AuditActor,
  selector: RunSelector,
  limit: number,
  exclude: readonly [string, string][],
): Promise<BatchResult> {
  const params: unknown[] = [limit, exclude.map((r) => r[0]), exclude.map((r) => r[1])];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where = selector.where(bind);
  const locked = await tx.query<{ dag_id: string; run_id: string }>(
    `select r.dag_id, r.run_id from ${schema}.dag_runs r
      where (${where})
        and not exists (select from unnest($2::text[], $3::text[]) as x(d, r2) where x.d = r.dag_id and x.r2 = r.run_id)
      order by coalesce(r.logical_date, r.created_at), r.dag_id, r.run_id
      limit $1
      for update of r skip locked`,
    params,
  );
  if (locked.length === 0) return { selected: 0, runs: 0, entries: 0, bytes: 0, ledger: 0, kept: 0, keptRuns: [] };
  // A new statement, a new snapshot: everything committed to these runs before we held their rows is visible, and
  // nothing can commit to them until we finish.
  const keep = selector.honourRetention ? `e.keep_until is not null and e.keep_until >= now()` : 'false';
  const [row] = await tx.query<{ runs: number; entries: number; bytes: number; ledger: number; kept: number; kept_runs: [string, string][] | null }>(
    `with doomed as (select * from unnest($1::text[], $2::text[]) as d(dag_id, run_id)),
     kept as (
       select e.dag_id, e.run_id, e.task_id, e.map_index, e.key
         from ${schema}.entries e join doomed d using (dag_id, run_id) where ${keep}
     ),
     gone_entries as (
       delete from ${schema}.entries e using doomed d
        where e.dag_id = d.dag_id and e.run_id = d.run_id and not (${keep})
       returning e.dag_id, e.run_id, e.stored_bytes
     ),
     -- Who deleted what: a row per run, with how many of its entries went (the ledger that named them goes too).
     audited as (
       insert into ${schema}.audit (action, actor_kind, actor, dag_id, run_id, entries)
       select 'delete', $3::text, $4::text, d.dag_id, d.run_id,
              (select count(*) from gone_entries g where g.dag_id = d.dag_id and g.run_id = d.run_id)::int
         from doomed d
     ),
     gone_ledger as (
       delete from ${schema}.ledger l using doomed d
        where l.dag_id = d.dag_id and l.run_id = d.run_id
          and not exists (select from kept k where k.dag_id = l.dag_id and k.run_id = l.run_id and k.task_id = l.task_id
                                               and k.map_index = l.map_index and k.key = l.key)
       returning 1
     ),
     gone_outbox as (
       delete from ${schema}.outbox o using doomed d where o.dag_id = d.dag_id and o.run_id = d.run_id returning 1
     ),
     -- A workflow still waiting for this run keeps its subscription: it ends by its own timeout.
     gone_subscriptions as (
       delete from ${schema}.subscriptions s using doomed d
        where s.dag_id = d.dag_id and s.run_id = d.run_id and s.status <> 'active'
       returning 1
     ),
     gone_runs as (
       delete from ${schema}.dag_runs r using doomed d
        where r.dag_id = d.dag_id and r.run_id = d.run_id
          and not exists (select from kept k where k.dag_id = d.dag_id and k.run_id = d.run_id)
       returning 1
     )
     select (select count(*) from gone_runs)::int as runs, (select count(*) from gone_entries)::int as entries,
            coalesce((select sum(stored_bytes) from gone_entries), 0)::int8 as bytes,
            (select count(*) from gone_ledger)::int as ledger, (select count(*) from kept)::int as kept,
            (select array_agg(distinct array[dag_id, run_id]) from kept) as kept_runs`,
    [locked.map((r) => r.dag_id), locked.map((r) => r.run_id), ...actorParams(actor)],
  );
  return {
    selected: locked.length,
    runs: row!.runs,
    entries: row!.entries,
    bytes: Number(row!.bytes),
    ledger: row!.ledger,
    kept: row!.kept,
    keptRuns: (row!.kept_runs ?? []).map(([d, r]) => [d, r] as [string, string]),
  };
}

/** What `deleteRuns` would remove, counted without locking anything. */
async function countRuns(engine: SqlEngine, schema: string, selector: RunSelector): Promise<Omit<RetentionResult, 'dryRun'>> {
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where = selector.where(bind);
  const keep = selector.honourRetention ? `e.keep_until is not null and e.keep_until >= now()` : 'false';
  const [row] = await engine.query<{ runs: number; entries: number; bytes: number; ledger: number; kept: number }>(
    `with doomed as (select r.dag_id, r.run_id from ${schema}.dag_runs r where ${where}),
     e as (select e.stored_bytes, (${keep}) as kept, e.dag_id, e.run_id from ${schema}.entries e join doomed using (dag_id, run_id))
     select (select count(*) from doomed d
              where not exists (select from e where e.kept and e.dag_id = d.dag_id and e.run_id = d.run_id))::int as runs,
            (select count(*) from e where not kept)::int as entries,
            coalesce((select sum(stored_bytes) from e where not kept), 0)::int8 as bytes,
            (select count(*) from ${schema}.ledger l join doomed using (dag_id, run_id))::int as ledger,
            (select count(*) from e where kept)::int as kept`,
    params,
  );
  return { runs: row!.runs, entries: row!.entries, bytes: Number(row!.bytes), ledger: row!.ledger, kept: row!.kept };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
