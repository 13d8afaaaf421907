import { actorParams, type AuditActor } from '../../audit/audit-actor';
import { deleteAuditCte } from '../../audit/delete-audit';
import { durationMs } from '../../dag/duration';
import type { SqlEngine } from '../../engines/sql-engine';
import { XComIdentityError } from '../../errors';
import { assertId, assertMapIndex, MAX_ID_LENGTH } from '../identity';
import { deleteRuns } from './delete-runs';
import type {
  ClearTaskOptions,
  KeepLatestRunsOptions,
  PurgeOptions,
  RetentionOptions,
  RetentionResult,
  TrimLedgerOptions,
} from './types';
import { dagIdsOf } from '../dag-id-filter';

const RUN_DATE = 'coalesce(r.logical_date, r.created_at)';

/**
 * Retention over one schema: purges by age, keep-latest, clears of a DAG, run or task, expiry of entries past
 * their own retention, and ledger trimming. Rows only: objects go through the object sweeper.
 */
export class RetentionOperations {
  constructor(
    private readonly engine: SqlEngine,
    private readonly schema: string,
    /** Who deletes when an operation's options do not say (the audit trail). */
    private readonly actor: AuditActor,
  ) {}

  #actorOf(options: RetentionOptions): AuditActor {
    return options.actor ?? this.actor;
  }

  /** Runs older than `olderThan` (by logical date, else creation), then entries past their own retention. */
  async purge(options: PurgeOptions): Promise<RetentionResult> {
    const cutoff = cutoffOf('olderThan', options.olderThan);
    const given = dagIdsOf(options, 'purge');
    const dagIds = given === undefined ? undefined : [given].flat();
    dagIds?.forEach((d) => assertId('dagId', d, MAX_ID_LENGTH));
    const runs = await deleteRuns(
      this.engine,
      this.schema,
      this.#actorOf(options),
      {
        honourRetention: true,
        where: (bind) => `${RUN_DATE} < ${bind(cutoff)}${dagIds ? ` and r.dag_id = any(${bind(dagIds)}::text[])` : ''}`,
      },
      options,
    );
    const expired = await this.expireEntries({ ...options, dagIds });
    return { ...runs, entries: runs.entries + expired.entries, bytes: runs.bytes + expired.bytes };
  }

  /** All but the `keep` newest runs of a DAG. */
  async keepLatestRuns(options: KeepLatestRunsOptions): Promise<RetentionResult> {
    assertId('dagId', options.dagId, MAX_ID_LENGTH);
    if (!Number.isSafeInteger(options.keep) || options.keep < 0) {
      throw new XComIdentityError('keep', `keepLatestRuns: keep must be an integer >= 0, got ${options.keep}`);
    }
    // The newest run that is not kept; everything at or before it (in the same order) goes.
    // The date as text: a JS Date would round Postgres' microseconds away and misplace the boundary.
    const [boundary] = await this.engine.query<{ at: string; run_id: string }>(
      `select ${RUN_DATE}::text as at, r.run_id from ${this.schema}.dag_runs r where r.dag_id = $1
        order by ${RUN_DATE} desc, r.run_id desc offset $2 limit 1`,
      [options.dagId, options.keep],
    );
    if (!boundary) return { dryRun: options.dryRun ?? false, runs: 0, entries: 0, bytes: 0, ledger: 0, kept: 0 };
    return deleteRuns(
      this.engine,
      this.schema,
      this.#actorOf(options),
      {
        honourRetention: true,
        where: (bind) =>
          `r.dag_id = ${bind(options.dagId)} and (${RUN_DATE}, r.run_id) <= (${bind(boundary.at)}::timestamptz, ${bind(boundary.run_id)}::text)`,
      },
      options,
    );
  }

  /** Every run of a DAG, whatever the retention of its entries. */
  clearDag(dagId: string, options: RetentionOptions = {}): Promise<RetentionResult> {
    assertId('dagId', dagId, MAX_ID_LENGTH);
    return deleteRuns(
      this.engine,
      this.schema,
      this.#actorOf(options),
      { honourRetention: false, where: (bind) => `r.dag_id = ${bind(dagId)}` },
      options,
    );
  }

  /** One run, whatever the retention of its entries. */
  clearRun(run: { dagId: string; runId: string }, options: RetentionOptions = {}): Promise<RetentionResult> {
    assertId('dagId', run.dagId, MAX_ID_LENGTH);
    assertId('runId', run.runId, MAX_ID_LENGTH);
    return deleteRuns(
      this.engine,
      this.schema,
      this.#actorOf(options),
      { honourRetention: false, where: (bind) => `r.dag_id = ${bind(run.dagId)} and r.run_id = ${bind(run.runId)}` },
      options,
    );
  }

  /**
   * A task's entries in one run (every map index, or one), recorded in the ledger as deleted. Its task instances
   * keep their owner, so a late zombie of an old attempt still cannot publish.
   */
  async clearTask(options: ClearTaskOptions): Promise<RetentionResult> {
    assertId('dagId', options.dagId, MAX_ID_LENGTH);
    assertId('runId', options.runId, MAX_ID_LENGTH);
    assertId('taskId', options.taskId, MAX_ID_LENGTH);
    if (options.mapIndex !== undefined) assertMapIndex(options.mapIndex);
    const params: unknown[] = [options.dagId, options.runId, options.taskId];
    const map = options.mapIndex === undefined ? '' : ` and map_index = $${params.push(options.mapIndex)}`;
    const where = `dag_id = $1 and run_id = $2 and task_id = $3${map}`;
    const auditBy = options.mapIndex === undefined ? (['dag_id', 'run_id', 'task_id'] as const) : (['dag_id', 'run_id', 'task_id', 'map_index'] as const);
    if (options.dryRun) {
      const [row] = await this.engine.query<{ n: number; bytes: number }>(
        `select count(*)::int as n, coalesce(sum(stored_bytes), 0)::int8 as bytes from ${this.schema}.entries where ${where}`,
        params,
      );
      return { dryRun: true, runs: 0, entries: row!.n, bytes: Number(row!.bytes), ledger: 0, kept: 0 };
    }
    const [kind, actor] = actorParams(this.#actorOf(options));
    const audited = deleteAuditCte(this.schema, 'removed', auditBy, `$${params.push(kind)}::text`, `$${params.push(actor)}::text`);
    const [row] = await this.engine.query<{ n: number; bytes: number }>(
      `with removed as (
         delete from ${this.schema}.entries where ${where}
           returning dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes,
                     stored_bytes, object_key),
       ledger as (
         insert into ${this.schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id,
           digest, size_bytes, object_key, outcome)
         select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes,
                object_key, 'deleted' from removed),
       ${audited}
       select count(*)::int as n, coalesce(sum(stored_bytes), 0)::int8 as bytes from removed`,
      params,
    );
    const result = { dryRun: false, runs: 0, entries: row!.n, bytes: Number(row!.bytes), ledger: 0, kept: 0 };
    options.onProgress?.(result);
    return result;
  }

  /** Entries past their own retention (a duration class), in batches, whatever their run. */
  async expireEntries(options: RetentionOptions & { dagIds?: readonly string[] } = {}): Promise<RetentionResult> {
    const params: unknown[] = [];
    const dags = options.dagIds ? ` and dag_id = any($${params.push(options.dagIds)}::text[])` : '';
    const where = `keep_until < now() and keep_until is not null${dags}`;
    if (options.dryRun) {
      const [row] = await this.engine.query<{ n: number; bytes: number }>(
        `select count(*)::int as n, coalesce(sum(stored_bytes), 0)::int8 as bytes from ${this.schema}.entries where ${where}`,
        params,
      );
      return { dryRun: true, runs: 0, entries: row!.n, bytes: Number(row!.bytes), ledger: 0, kept: 0 };
    }
    const limit = (options.batchSize ?? 50) * 100;
    const [kind, actor] = actorParams(this.#actorOf(options));
    const audited = deleteAuditCte(this.schema, 'removed', ['dag_id', 'run_id'], `$${params.push(kind)}::text`, `$${params.push(actor)}::text`);
    let entries = 0;
    let bytes = 0;
    for (;;) {
      const [row] = await this.engine.query<{ n: number; bytes: number }>(
        `with removed as (
           delete from ${this.schema}.entries where ctid = any(array(
             select ctid from ${this.schema}.entries where ${where} limit ${limit}))
           returning dag_id, run_id, stored_bytes),
         ${audited}
         select count(*)::int as n, coalesce(sum(stored_bytes), 0)::int8 as bytes from removed`,
        params,
      );
      entries += row!.n;
      bytes += Number(row!.bytes);
      if (row!.n < limit) break;
    }
    return { dryRun: false, runs: 0, entries, bytes, ledger: 0, kept: 0 };
  }

  /**
   * Ledger rows recorded before `olderThan`, and audit rows recorded before `auditOlderThan` (default the same), in
   * batches (runs that are purged take their ledger with them; their audit rows stay until trimmed here).
   */
  async trimLedger(options: TrimLedgerOptions): Promise<RetentionResult> {
    const cutoff = cutoffOf('olderThan', options.olderThan);
    const auditCutoff = options.auditOlderThan === undefined ? cutoff : cutoffOf('auditOlderThan', options.auditOlderThan);
    if (options.dryRun) {
      const [row] = await this.engine.query<{ n: number; audit: number }>(
        `select (select count(*) from ${this.schema}.ledger where recorded_at < $1)::int as n,
                (select count(*) from ${this.schema}.audit where recorded_at < $2)::int as audit`,
        [cutoff, auditCutoff],
      );
      return { dryRun: true, runs: 0, entries: 0, bytes: 0, ledger: row!.n, audit: row!.audit, kept: 0 };
    }
    const ledger = await this.#trimTable('ledger', cutoff, options);
    const audit = await this.#trimTable('audit', auditCutoff, options);
    return { dryRun: false, runs: 0, entries: 0, bytes: 0, ledger, audit, kept: 0 };
  }

  /** Rows of an append-only table (`id`, `recorded_at`) recorded before `cutoff`, a batch per transaction. */
  async #trimTable(table: 'ledger' | 'audit', cutoff: Date, options: TrimLedgerOptions): Promise<number> {
    const limit = options.batchSize ?? 5000;
    let removed = 0;
    for (;;) {
      const [row] = await this.engine.query<{ n: number }>(
        `with removed as (
           delete from ${this.schema}.${table} where id = any(array(
             select id from ${this.schema}.${table} where recorded_at < $1 limit ${limit}))
           returning 1)
         select count(*)::int as n from removed`,
        [cutoff],
      );
      removed += row!.n;
      options.onProgress?.({ runs: 0, entries: 0, bytes: 0 });
      if (row!.n < limit) return removed;
    }
  }
}

/** A cutoff time from a duration back from now ('7 days', ms) or a date. */
export function cutoffOf(name: string, value: string | number | Date): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new XComIdentityError(name, `${name} is an invalid Date`);
    return value;
  }
  const ms = durationMs(value);
  if (ms === undefined || ms < 0) {
    throw new XComIdentityError(name, `${name} must be a duration such as '7 days' or '12h', or a Date; got ${JSON.stringify(value)}`);
  }
  return new Date(Date.now() - ms);
}
