-- Cross-DAG waits: subscriptions, the transactional outbox, and the lock protocol that makes them race-free.
-- :XCOM_SCHEMA is replaced with the quoted schema name when the migration runs. See docs/cross-dag.md.
--
-- THE RACE
--
-- A waiter registers a subscription and checks for an existing entry in one transaction; a producer commits its
-- entries and, in the same statement, writes an outbox row for every matching subscription. Under READ COMMITTED the
-- naive version loses wake-ups: the producer's statement takes its snapshot before the subscription commits (so it
-- sees no subscription), and the waiter reads entries before the producer commits (so it sees no entry). Both
-- looked; neither saw the other.
--
-- THE FIX: A LOCK PER (dag_id, task_id, key), AND A FRESH SNAPSHOT AFTER TAKING IT
--
--   waiter:   BEGIN; pg_advisory_xact_lock(watch_lock_id(dag, task, key))             -- exclusive, held to COMMIT
--             then, in a LATER statement, read entries; if none, insert the subscription; COMMIT.
--   producer: its one commit statement calls wake_subscribers(<what it wrote>), a VOLATILE plpgsql function that
--             takes pg_advisory_xact_lock_shared on the same ids (held to COMMIT), then runs the outbox insert as a
--             new statement.
-- A VOLATILE function takes a fresh snapshot for each statement it runs ("VOLATILE functions obtain a fresh snapshot
-- at the start of each query they execute", PostgreSQL docs, xfunc-volatility), so the producer's subscription
-- lookup is NOT bound to the snapshot its commit statement started with. Exactly one of these happens:
--   * the waiter locked first: the producer's shared lock waits for the waiter's COMMIT; its lookup then runs with a
--     snapshot taken after that commit and finds the subscription (the waiter's read could not see the producer's
--     uncommitted entries, so the outbox row is what wakes it);
--   * the producer locked first: the waiter's exclusive lock waits for the producer's COMMIT, and its read of entries
--     is a new statement with a new snapshot (READ COMMITTED) taken after that commit, so it finds the entry.
-- Each side's read must be its own statement after the lock: folded into the locking statement it would share that
-- statement's older snapshot and miss.
--
-- WHY NOT A `watches` ROW PER (dag_id, task_id, key) (the first design)
--
-- A table of watch rows, upserted by every producer with `insert … on conflict do update … returning
-- subscription_ids` (which also sees the latest committed row version whatever the snapshot), is sound too. But the
-- producer has to INSERT the row the first time a (dag, task, key) is written (a missing row cannot be locked, and a
-- waiter inserting it concurrently is only seen through the unique index), and row locks are exclusive, so producers
-- of one key serialise until COMMIT. In A/B runs of the raw commit statement (new task ids in every batch), the
-- watch upsert brought throughput to 0.84-0.87x of the statement without it for batches of 100 (0.75-0.86x for
-- single entries); this protocol to 0.90-0.96x (0.88-0.89x). BENCHMARKS.md, bench:cross-dag. Advisory locks live in
-- shared memory (no row, no WAL) and the producers' locks are shared, so producers never wait for each other, only
-- for a waiter registering on the same lock id at that moment.
--
-- Lock ids fold every (dag_id, task_id, key) into 256 buckets per schema, so one commit takes at most 256 locks
-- (the shared lock table is sized by max_locks_per_transaction); two keys in one bucket only make a registering
-- waiter and a producer wait for each other's commit, never miss.
--
-- Because the producer sees the subscription rows, it filters by run, map index, logical date and state itself;
-- the delivery loop re-checks only the state (a wait may end between the commit and the delivery).

-- One row per wait: a workflow waiting through signals (waitForXCom), or a client (XComClient.waitFor) through
-- NOTIFY and polling.
create table :XCOM_SCHEMA.subscriptions (
  id               bigint      generated always as identity primary key,
  -- The waiter's id for this wait: registration is idempotent on it (a retried local activity registers once).
  wait_id          text        not null unique,
  kind             text        not null check (kind in ('workflow', 'client')),
  dag_id           text        not null,
  task_id          text        not null,
  key              text        not null,
  map_index        integer     not null default -1,
  -- null: any run of the DAG (the newest existing one, else the next one to commit).
  run_id           text,
  -- Only runs whose logical date (else creation time) is at or after this.
  min_logical_date timestamptz,
  -- Where to signal (kind 'workflow'): the subscriber's namespace, workflow id and Temporal run id.
  namespace        text,
  workflow_id      text,
  workflow_run_id  text,
  -- active: waiting; satisfied: delivered (or found at registration); cancelled: the waiter gave up (timeout) or
  -- expired; closed: the subscriber workflow is gone (a signal to it failed with NotFound).
  status           text        not null default 'active'
                   check (status in ('active', 'satisfied', 'cancelled', 'closed')),
  -- When the waiter stops waiting anyway; the delivery loop cancels subscriptions left active past it.
  expires_at       timestamptz,
  created_at       timestamptz not null default now(),
  ended_at         timestamptz,
  check ((kind = 'workflow') = (workflow_id is not null and workflow_run_id is not null and namespace is not null))
);
-- What every producer's commit probes (empty when nobody waits).
create index subscriptions_active on :XCOM_SCHEMA.subscriptions (dag_id, task_id, key) where status = 'active';
create index subscriptions_expiring on :XCOM_SCHEMA.subscriptions (expires_at) where status = 'active';
create index subscriptions_ended on :XCOM_SCHEMA.subscriptions (ended_at) where status <> 'active';

-- Written by the producer's commit statement, one row per (workflow subscription, entry written); delivered by the
-- worker's delivery loop, which signals the subscriber with the entry's XComRef.
create table :XCOM_SCHEMA.outbox (
  id              bigint      generated always as identity primary key,
  subscription_id bigint      not null references :XCOM_SCHEMA.subscriptions (id) on delete cascade,
  dag_id          text        not null,
  run_id          text        not null,
  task_id         text        not null,
  map_index       integer     not null,
  key             text        not null,
  digest          text        not null,
  size_bytes      bigint      not null,
  -- pending: to deliver (from next_attempt_at); delivered: signalled; skipped: the subscription had already ended
  -- (satisfied by another row, cancelled); abandoned: the subscriber workflow is gone.
  status          text        not null default 'pending'
                  check (status in ('pending', 'delivered', 'skipped', 'abandoned')),
  attempts        integer     not null default 0,
  last_error      text,
  next_attempt_at timestamptz not null default now(),
  created_at      timestamptz not null default now(),
  finished_at     timestamptz
);
create index outbox_pending on :XCOM_SCHEMA.outbox (next_attempt_at, id) where status = 'pending';
create index outbox_by_subscription on :XCOM_SCHEMA.outbox (subscription_id);
create index outbox_finished on :XCOM_SCHEMA.outbox (finished_at) where status <> 'pending';

-- The advisory lock id of (dag_id, task_id, key): this schema's class in the high bits, one of 256 buckets below.
-- Ids never contain control characters, so chr(31) separates them unambiguously.
create function :XCOM_SCHEMA.watch_lock_id(dag_id text, task_id text, key text) returns bigint
language sql immutable parallel safe as $$
  select (hashtext('temporal-xcom:watch::XCOM_SCHEMA')::bigint << 8)
       | (hashtextextended(dag_id || chr(31) || task_id || chr(31) || key, 0) & 255)
$$;

-- Called by the producer's commit statement with the entries it wrote (one array per column). Returns how many
-- subscriptions it woke. Must stay VOLATILE and plpgsql (never inlined): the lookup needs its own snapshot.
create function :XCOM_SCHEMA.wake_subscribers(
  dag_ids text[], run_ids text[], task_ids text[], map_indexes integer[], keys text[], digests text[],
  sizes bigint[], logical_dates timestamptz[]
) returns integer language plpgsql volatile as $$
declare
  woken integer;
begin
  if dag_ids is null or cardinality(dag_ids) = 0 then
    return 0;
  end if;
  -- Shared locks, in one order: producers never wait for each other; a waiter registering right now makes us wait
  -- for its COMMIT.
  perform pg_advisory_xact_lock_shared(l.id)
     from (select distinct :XCOM_SCHEMA.watch_lock_id(u.d, u.t, u.k) as id
             from unnest(dag_ids, task_ids, keys) as u(d, t, k) order by 1) as l;
  -- Each statement below takes a new snapshot: every subscription committed before our locks were granted is
  -- visible. Most commits stop here: nobody waits on anything.
  perform from :XCOM_SCHEMA.subscriptions where status = 'active' limit 1;
  if not found then
    return 0;
  end if;
  with written as (
    select * from unnest(dag_ids, run_ids, task_ids, map_indexes, keys, digests, sizes, logical_dates)
      as w(dag_id, run_id, task_id, map_index, key, digest, size_bytes, logical_date)
  ),
  matched as (
    select s.id, s.kind, w.*
      from written w
      join :XCOM_SCHEMA.subscriptions s
        on s.status = 'active' and s.dag_id = w.dag_id and s.task_id = w.task_id and s.key = w.key
       and s.map_index = w.map_index and (s.run_id is null or s.run_id = w.run_id)
      left join :XCOM_SCHEMA.dag_runs r on r.dag_id = w.dag_id and r.run_id = w.run_id
     where s.min_logical_date is null
        or coalesce(w.logical_date, r.logical_date, r.created_at, now()) >= s.min_logical_date
  ),
  queued as (
    insert into :XCOM_SCHEMA.outbox (subscription_id, dag_id, run_id, task_id, map_index, key, digest, size_bytes)
    select id, dag_id, run_id, task_id, map_index, key, digest, size_bytes from matched where kind = 'workflow'
  )
  select count(*) into woken from matched;
  if woken > 0 then
    -- Wakes delivery loops and client waiters that LISTEN (Postgres only; payload: the schema). Delivered at COMMIT,
    -- folded into one per transaction.
    perform pg_notify('xcom_outbox', trim(both '"' from ':XCOM_SCHEMA'));
  end if;
  return woken;
end
$$;
