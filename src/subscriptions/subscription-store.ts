import { entryRef, type XComRef } from '../common/xcom-ref';
import { preparedByText } from '../engines/prepared-by-text';
import type { SqlEngine } from '../engines/sql-engine';
import { XComConfigError } from '../errors';
import { quoteSchema } from '../migrations/schema-name';
import type { XComBackend } from '../store/backend';
import { entryColumns, entryMetaFromRow, type EntryRow } from '../store/entry-rows';
import type { XComEntryMeta } from '../store/types';
import { XComStore } from '../store/xcom-store';
import type { ResolvedWaitTarget } from './wait-target';

/** The channel `wake_subscribers` notifies (payload: the schema) when a commit woke a subscription. */
export const OUTBOX_CHANNEL = 'xcom_outbox';

/** Who waits: a workflow (woken by a signal) or a client process (woken by NOTIFY or its own polling). */
export type Subscriber =
  | { readonly kind: 'workflow'; readonly namespace: string; readonly workflowId: string; readonly workflowRunId: string }
  | { readonly kind: 'client' };

export interface RegisterRequest {
  /** Unique per wait; registering the same wait twice (a retried local activity) keeps one subscription. */
  readonly waitId: string;
  readonly target: ResolvedWaitTarget;
  readonly subscriber: Subscriber;
  /** The subscription is cancelled by the delivery loop if still active this long from now. */
  readonly expiresInMs: number;
}

/** An entry that already existed (no subscription was left active), or the subscription now waiting. */
export type Registration =
  | { readonly found: XComEntryMeta; readonly subscriptionId?: undefined }
  | { readonly found?: undefined; readonly subscriptionId: number };

export type SubscriptionStatus = 'active' | 'satisfied' | 'cancelled' | 'closed';

/** A claimed outbox row, with what delivering it needs. */
export interface OutboxDelivery {
  readonly id: number;
  readonly subscriptionId: number;
  readonly subscriptionStatus: SubscriptionStatus;
  readonly waitId: string;
  readonly workflowId: string;
  readonly workflowRunId: string;
  /** Delivery attempts so far, this one included. */
  readonly attempts: number;
  readonly ref: XComRef;
  /** Seconds from the row's creation (the producer's commit) to this claim. */
  readonly lagSeconds: number;
}

interface OutboxRow {
  id: number;
  subscription_id: number;
  subscription_status: SubscriptionStatus;
  wait_id: string;
  workflow_id: string;
  workflow_run_id: string;
  attempts: number;
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  digest: string;
  size_bytes: number;
  lag_seconds: number;
}

/**
 * Subscriptions and the outbox, in the XCom store's database (same schema, same transactions as the entries:
 * registering must lock against the producers' commits). See sql/000002_subscriptions.sql for the protocol.
 */
export class SubscriptionStore {
  readonly #q: string;
  /** `register_wait`'s call, with the entry it may find read as `entryColumns` reads entries. */
  readonly #registerSql: string;

  constructor(
    readonly engine: SqlEngine,
    readonly schema: string,
  ) {
    this.#q = quoteSchema(schema);
    const params = Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(', ');
    this.#registerSql = `select w.subscription_id, ${entryColumns(this.#q)}
       from ${this.#q}.register_wait(${params}) w left join lateral (select (w.entry).*) e on true`;
  }

  /** The subscriptions of a built-in `XComStore`; cross-DAG waits need its database. */
  static of(backend: XComBackend): SubscriptionStore {
    // Duck-typed as well, so a store from another copy of this package still qualifies.
    const candidate = backend as Partial<Pick<XComStore, 'engine' | 'schema'>>;
    if (!(backend instanceof XComStore) && !(typeof candidate.engine?.transaction === 'function' && typeof candidate.schema === 'string')) {
      throw new XComConfigError(
        'cross-DAG waits need the built-in XComStore (subscriptions live in its database, next to the entries); ' +
          'this XComBackend is not one',
      );
    }
    return new SubscriptionStore(candidate.engine!, candidate.schema!);
  }

  /**
   * Registers a wait and checks for an existing entry in one call of `register_wait` (sql/000015_register_wait.sql):
   * the watch lock first, then the read as a statement of its own (its snapshot is taken after the lock), then the
   * subscription when nothing was found, all in the call's transaction.
   */
  async register(request: RegisterRequest): Promise<Registration> {
    const t = request.target;
    const s = request.subscriber;
    const workflow = s.kind === 'workflow' ? s : undefined;
    const [row] = await this.engine.query<EntryRow & { subscription_id: number | null }>(
      this.#registerSql,
      [
        request.waitId,
        s.kind,
        t.dagId,
        t.taskId,
        t.key,
        t.mapIndex,
        t.runId,
        t.minLogicalDate,
        workflow?.namespace ?? null,
        workflow?.workflowId ?? null,
        workflow?.workflowRunId ?? null,
        Math.max(0, Math.round(request.expiresInMs)),
      ],
      { prepareAs: `xcom_register_wait_${this.schema}` },
    );
    if (row!.subscription_id !== null) return { subscriptionId: row!.subscription_id };
    return { found: entryMetaFromRow(row!) };
  }

  /** The entry a wait is for (the newest run first when any run will do), without subscribing. */
  async find(t: ResolvedWaitTarget): Promise<XComEntryMeta | undefined> {
    const params: unknown[] = [t.dagId, t.taskId, t.key, t.mapIndex];
    let where = 'e.dag_id = $1 and e.task_id = $2 and e.key = $3 and e.map_index = $4';
    if (t.runId !== null) {
      params.push(t.runId);
      where += ` and e.run_id = $${params.length}`;
    }
    if (t.minLogicalDate !== null) {
      params.push(t.minLogicalDate);
      where += ` and e.run_date >= $${params.length}`;
    }
    // One row per run matches: the newest is the first entry of `entries_latest` past the filter (one descent).
    const sql = `select ${entryColumns(this.#q)} from ${this.#q}.entries e
        where ${where}
        order by e.run_date desc, e.run_id desc limit 1`;
    const [row] = await this.engine.query<EntryRow>(sql, params, preparedByText(sql));
    return row ? entryMetaFromRow(row) : undefined;
  }

  /**
   * Cancels a wait that is still active. Returns the subscription's status afterwards: `cancelled`, or how it had
   * ended already (`satisfied`: a signal was delivered), or undefined when it never registered.
   */
  async cancel(waitId: string): Promise<SubscriptionStatus | undefined> {
    if (await this.end(waitId, 'cancelled')) return 'cancelled';
    const [row] = await this.engine.query<{ status: SubscriptionStatus }>(
      `select status from ${this.#q}.subscriptions where wait_id = $1`,
      [waitId],
    );
    return row?.status;
  }

  /**
   * Cancels a workflow's wait only if `owner` registered it: a wait id travels in the waiter's history and signals,
   * so another workflow could learn it. 'foreign' when the wait is another workflow's (left as it is), else as
   * {@link cancel}.
   */
  async cancelOwn(
    waitId: string,
    owner: Omit<Extract<Subscriber, { kind: 'workflow' }>, 'kind'>,
  ): Promise<SubscriptionStatus | 'foreign' | undefined> {
    const cancelled = await this.engine.query(
      `update ${this.#q}.subscriptions set status = 'cancelled', ended_at = now()
        where wait_id = $1 and status = 'active' and namespace = $2 and workflow_id = $3 and workflow_run_id = $4
        returning id`,
      [waitId, owner.namespace, owner.workflowId, owner.workflowRunId],
    );
    if (cancelled.length > 0) return 'cancelled';
    const [row] = await this.engine.query<{ status: SubscriptionStatus; own: boolean }>(
      `select status, (namespace, workflow_id, workflow_run_id) is not distinct from ($2, $3, $4) as own
         from ${this.#q}.subscriptions where wait_id = $1`,
      [waitId, owner.namespace, owner.workflowId, owner.workflowRunId],
    );
    if (row && !row.own) return 'foreign';
    return row?.status;
  }

  /** Ends a wait that is still active; false when it had ended (or never registered). */
  async end(waitId: string, status: Exclude<SubscriptionStatus, 'active'>): Promise<boolean> {
    const rows = await this.engine.query(
      `update ${this.#q}.subscriptions set status = $2, ended_at = now() where wait_id = $1 and status = 'active'
       returning id`,
      [waitId, status],
    );
    return rows.length > 0;
  }

  /**
   * Takes up to `limit` due outbox rows of workflows in `namespace` for `leaseMs`: their next attempt moves that far
   * ahead, so a loop that dies mid-delivery leaves them to another loop after the lease. Loops never take the same
   * row at once (`skip locked`).
   */
  async claim(namespace: string, limit: number, leaseMs: number): Promise<OutboxDelivery[]> {
    const rows = await this.engine.query<OutboxRow>(
      `with due as (
         select o.id from ${this.#q}.outbox o join ${this.#q}.subscriptions s on s.id = o.subscription_id
          where o.status = 'pending' and o.next_attempt_at <= now() and s.namespace = $1
          order by o.next_attempt_at, o.id limit $2
          for update of o skip locked
       )
       update ${this.#q}.outbox o
          set attempts = o.attempts + 1, next_attempt_at = now() + $3 * interval '1 millisecond'
         from due, ${this.#q}.subscriptions s
        where o.id = due.id and s.id = o.subscription_id
       returning o.id, o.subscription_id, s.status as subscription_status, s.wait_id, s.workflow_id, s.workflow_run_id,
                 o.attempts, o.dag_id, o.run_id, o.task_id, o.map_index, o.key, o.digest, o.size_bytes,
                 extract(epoch from clock_timestamp() - o.created_at)::float8 as lag_seconds`,
      [namespace, limit, leaseMs],
    );
    return rows.map(deliveryFromRow).sort((a, b) => a.id - b.id);
  }

  /** The signal went through: the row is delivered and its subscription satisfied (its other rows will be skipped). */
  async delivered(row: OutboxDelivery): Promise<void> {
    await this.#finish(row, 'delivered', null, 'satisfied');
  }

  /** The subscriber is gone (NotFound): the row is abandoned and the subscription closed. */
  async abandoned(row: OutboxDelivery, error: string): Promise<void> {
    await this.#finish(row, 'abandoned', error, 'closed');
  }

  /** The subscription had ended before this row was delivered. */
  async skipped(row: OutboxDelivery, reason: string): Promise<void> {
    await this.#finish(row, 'skipped', reason, undefined);
  }

  /** Delivery failed for a reason that may pass: try again after `delayMs`. */
  async retryLater(row: OutboxDelivery, error: string, delayMs: number): Promise<void> {
    await this.engine.query(
      `update ${this.#q}.outbox set last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond'
        where id = $1 and status = 'pending'`,
      [row.id, error, Math.max(0, Math.round(delayMs))],
    );
  }

  /** Milliseconds until the next pending row of `namespace` is due (0 if one is due now), or undefined if none. */
  async nextDueInMs(namespace: string): Promise<number | undefined> {
    const [row] = await this.engine.query<{ ms: number | null }>(
      `select greatest(0, extract(epoch from min(o.next_attempt_at) - now()) * 1000)::int8 as ms
         from ${this.#q}.outbox o join ${this.#q}.subscriptions s on s.id = o.subscription_id
        where o.status = 'pending' and s.namespace = $1`,
      [namespace],
    );
    return row?.ms ?? undefined;
  }

  /** Cancels subscriptions still active past their expiry (their waiter stopped waiting without saying so). */
  async expire(): Promise<number> {
    const rows = await this.engine.query(
      `update ${this.#q}.subscriptions set status = 'cancelled', ended_at = now()
        where status = 'active' and expires_at < now() returning id`,
    );
    return rows.length;
  }

  /** Deletes subscriptions that ended more than `retentionMs` ago, with their outbox rows. */
  async prune(retentionMs: number): Promise<number> {
    const rows = await this.engine.query(
      `delete from ${this.#q}.subscriptions
        where status <> 'active' and ended_at < now() - $1 * interval '1 millisecond'
          and not exists (select 1 from ${this.#q}.outbox o where o.subscription_id = subscriptions.id and o.status = 'pending')
       returning id`,
      [retentionMs],
    );
    return rows.length;
  }

  async #finish(
    row: OutboxDelivery,
    status: 'delivered' | 'abandoned' | 'skipped',
    error: string | null,
    subscription: 'satisfied' | 'closed' | undefined,
  ): Promise<void> {
    await this.engine.query(
      `with finished as (
         update ${this.#q}.outbox set status = $2, last_error = $3, finished_at = now()
          where id = $1 and status = 'pending' returning subscription_id
       )
       update ${this.#q}.subscriptions set status = $4, ended_at = now()
        where $4::text is not null and id = $5 and status = 'active'`,
      [row.id, status, error, subscription ?? null, row.subscriptionId],
    );
  }
}

function deliveryFromRow(row: OutboxRow): OutboxDelivery {
  return {
    id: Number(row.id),
    subscriptionId: Number(row.subscription_id),
    subscriptionStatus: row.subscription_status,
    waitId: row.wait_id,
    workflowId: row.workflow_id,
    workflowRunId: row.workflow_run_id,
    attempts: row.attempts,
    lagSeconds: Number(row.lag_seconds),
    ref: entryRef({
      dagId: row.dag_id,
      runId: row.run_id,
      taskId: row.task_id,
      mapIndex: row.map_index,
      key: row.key,
      sizeBytes: Number(row.size_bytes),
      digest: row.digest,
    }),
  };
}
