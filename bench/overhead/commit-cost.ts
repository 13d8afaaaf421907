import { randomUUID } from 'node:crypto';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { timed, type Operation } from '../lib/measure';
import { summarize, type Summary } from '../lib/percentiles';
import { openXComStore } from '../../src/config/open-store';
import type { StoreConfig } from '../../src/config/store-config';
import type { XComPlugin } from '../../src/plugin';
import type { XComBackend } from '../../src/store/backend';
import type { AttemptCommit } from '../../src/store/types';
import type { XComStore } from '../../src/store/xcom-store';
import { XComActivityInboundInterceptor } from '../../src/worker/activity-interceptor';
import { createValueCodec } from '../../src/codec/value-codec';
import { quoteSchema } from '../../src/migrations/schema-name';
import { commitParams, commitStatement, attemptGroup } from '../../src/store/commit-statement';
import { prepareEntry } from '../../src/store/prepare-entry';
import { Client } from 'pg';
import { smallResult } from './activities';

export interface CommitPlan {
  readonly warmup: number;
  readonly iterations: number;
  readonly rounds: number;
}

/** What one small activity result costs on our side, and what that cost is made of. */
export interface CommitCost {
  /** The plugin's activity interceptor around an activity returning `smallResult`, no Temporal involved. */
  readonly interceptor: Summary;
  /** `store.commitAttempt` of that one entry: the transaction the interceptor waits for. */
  readonly commit: Summary;
  /** The same commit on a session with `synchronous_commit = off`: no wait for the WAL flush (fsync). */
  readonly commitNoSync: Summary;
  /** The store's commit statement alone, as the store sends it: prepared per connection with a generic plan. */
  readonly statementPrepared: Summary;
  /** The same statement unnamed, so parsed and planned on every call (the store's way before it prepared it). */
  readonly statementUnnamed: Summary;
  /** `select 1` on the store's pool: one round trip to Postgres and nothing else. */
  readonly roundTrip: Summary;
}

/**
 * Times the pieces in interleaved blocks (each block runs every piece, the order rotating) so drifting load on a
 * shared machine hits them alike. Each call writes a new task's entry, as each activity of the workflow does.
 */
export async function benchCommitCost(plugin: XComPlugin, config: StoreConfig, plan: CommitPlan): Promise<CommitCost> {
  const store = (await plugin.store()) as XComStore;
  if (config.database.kind !== 'postgres') throw new Error('the commit bench needs the Postgres server store');
  // Session settings in the URL's `options` replace the engine's own (pg lets the URL win), so repeat its plan mode.
  const noSyncStore = await openXComStore(
    { ...config, database: { kind: 'postgres', connectionString: withSessionOptions(config.database.connectionString, ['synchronous_commit=off', GENERIC_PLAN]) } },
    { migrate: false },
  );
  const raw = new Client({ connectionString: withSessionOptions(config.database.connectionString, [GENERIC_PLAN]) });
  await raw.connect();
  try {
    const run = `commit-${randomUUID()}`;
    const interceptor = interceptorCall(plugin, run);
    const statement = commitStatement(quoteSchema(config.schema));
    const codec = createValueCodec({ compression: config.compression });
    const statementParams = async (series: string, i: number) => {
      const attempt = smallAttempt(run, series, i);
      const identity = { dagId: attempt.dagId, runId: attempt.runId, taskId: attempt.taskId, mapIndex: -1, key: 'return_value' };
      const { entry } = await prepareEntry(identity, attempt.values.get('return_value'), codec, config);
      return commitParams([attemptGroup([entry], { attempt: 1, fence: 1 })]);
    };
    const ops: Record<keyof CommitCost, Operation> = {
      interceptor,
      commit: (i) => commitOne(store, run, 'commit', i),
      commitNoSync: (i) => commitOne(noSyncStore, run, 'nosync', i),
      statementPrepared: async (i) =>
        void (await raw.query({ name: 'bench_xcom_commit', text: statement, values: await statementParams('prepared', i) })),
      statementUnnamed: async (i) => void (await raw.query(statement, await statementParams('unnamed', i))),
      roundTrip: async () => void (await store.engine.query('select 1')),
    };
    const samples = await interleaved(ops, plan);
    return {
      interceptor: summarize(samples.interceptor),
      commit: summarize(samples.commit),
      commitNoSync: summarize(samples.commitNoSync),
      statementPrepared: summarize(samples.statementPrepared),
      statementUnnamed: summarize(samples.statementUnnamed),
      roundTrip: summarize(samples.roundTrip),
    };
  } finally {
    await raw.end();
    await noSyncStore.close();
  }
}

async function commitOne(store: XComBackend, runId: string, series: string, i: number): Promise<void> {
  await store.commitAttempt(smallAttempt(runId, series, i));
}

/** What the interceptor commits for one `smallResult` activity: a new task of one run each time. */
function smallAttempt(runId: string, series: string, i: number): AttemptCommit {
  return {
    dagId: 'sequentialSmallActivities',
    runId,
    taskId: `${series}_${i}`,
    mapIndex: -1,
    values: new Map([['return_value', { index: i, status: 'ok', rows: 18234, table: 'analytics.daily_orders', partition: '2024-06-01' }]]),
    attempt: 1,
    fence: Date.now(),
    temporalRunId: runId,
    activityType: 'smallResult',
    logicalDate: new Date(),
  };
}

/**
 * The interceptor's `execute` as the worker calls it, with an activity context that carries only the fields it
 * reads. No task header, so it takes the identity fallback (workflow type, workflow id, activity id).
 */
function interceptorCall(plugin: XComPlugin, workflowId: string): Operation {
  return async (i) => {
    const info = {
      activityId: `intercepted_${i}`,
      activityType: 'smallResult',
      attempt: 1,
      currentAttemptScheduledTimestampMs: Date.now(),
      workflowType: 'sequentialSmallActivities',
      workflowExecution: { workflowId, runId: workflowId },
      inWorkflow: true,
    };
    const context = { info } as unknown as Context;
    const input: ActivityExecuteInput = { args: [i], headers: {} };
    await new XComActivityInboundInterceptor(context, plugin.runtime).execute(input, () => smallResult(i));
  };
}

async function interleaved<K extends string>(ops: Record<K, Operation>, plan: CommitPlan): Promise<Record<K, number[]>> {
  const names = Object.keys(ops) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  let next = 0;
  for (let i = -plan.warmup; i < 0; i++) for (const name of names) await ops[name](i);
  for (let round = 0; round < plan.rounds; round++) {
    const end = Math.round(((round + 1) * plan.iterations) / plan.rounds);
    const order = names.map((_, k) => names[(k + round) % names.length]!);
    for (const name of order) for (let i = next; i < end; i++) samples[name].push(await timed(ops[name], i));
    next = end;
  }
  return samples;
}

/** What the store's own pool sets on its sessions when it prepares statements (src/engines/postgres-engine.ts). */
const GENERIC_PLAN = 'plan_cache_mode=force_generic_plan';

/** The connection string with server settings for every session (libpq's `options`). */
function withSessionOptions(connectionString: string, settings: readonly string[]): string {
  const url = new URL(connectionString);
  url.searchParams.set('options', settings.map((s) => `-c ${s}`).join(' '));
  return url.toString();
}
