import { Client } from 'pg';
import { createValueCodec } from '../src/codec/value-codec';
import { commitOneParams, commitOneStatement } from '../src/store/commit-one-statement';
import { commitParams, commitStatement, attemptGroup } from '../src/store/commit-statement';
import { prepareEntry } from '../src/store/prepare-entry';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from '../src/store/limits';
import type { BenchEnv } from './lib/bench-env';
import { identityFor, inlineValue } from './lib/fixtures';
import { timed } from './lib/measure';
import { perKeyCommitParams, perKeyCommitStatement } from './lib/per-key-commit-sql';
import { summarize, type Summary } from './lib/percentiles';

export interface OwnershipPlan {
  readonly warmup: number;
  readonly iterations: number;
}

export interface OwnershipRow {
  readonly entries: number;
  /** The shipped commit of one attempt: `commit_attempt`, claiming its task instance, replacing its key set. */
  readonly owned: Summary;
  /** The same attempt through `commit_attempts`, the statement a batch of attempts (group commit) goes through. */
  readonly batch: Summary;
  /** The commit statement before task-instance ownership (one CTE statement, fenced per key). */
  readonly perKey: Summary;
}

const SCHEMA = '"xcom"';
/** What the store's own pool sets on its sessions when it prepares statements (src/engines/postgres-engine.ts). */
const GENERIC_PLAN = '-c plan_cache_mode=force_generic_plan';

/**
 * The cost of ownership: the shipped commit of one attempt (claim the instance, replace its key set), and the batch
 * statement that commits several at once, beside the per-key statement they replaced, writing the same inline entries
 * of a new task instance each call, all prepared with a generic plan on one connection, in alternating blocks.
 * Parameters are built before timing.
 */
export async function benchOwnership(env: BenchEnv, plan: OwnershipPlan): Promise<OwnershipRow[]> {
  const url = new URL(env.databaseUrl);
  url.searchParams.set('options', GENERIC_PLAN);
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const rows: OwnershipRow[] = [];
    for (const entries of [1, 3]) rows.push(await benchOne(client, entries, plan));
    return rows;
  } finally {
    await client.end();
  }
}

async function benchOne(client: Client, size: number, plan: OwnershipPlan): Promise<OwnershipRow> {
  const codec = createValueCodec();
  const limits = { inlineThresholdBytes: DEFAULT_INLINE_THRESHOLD_BYTES, maxValueBytes: DEFAULT_MAX_VALUE_BYTES };
  const value = inlineValue();
  const entriesFor = async (series: string, i: number) =>
    Promise.all(
      Array.from({ length: size }, async (_, k) => {
        const identity = { ...identityFor(`${series}-${size}`, i), key: k === 0 ? 'return_value' : `pushed_${k}` };
        return (await prepareEntry(identity, value, codec, limits)).entry;
      }),
    );
  const ownedSql = commitOneStatement(SCHEMA);
  const batchSql = commitStatement(SCHEMA);
  const perKeySql = perKeyCommitStatement(SCHEMA);
  const sides = {
    owned: async (i: number) => {
      const params = commitOneParams(attemptGroup(await entriesFor('owned', i), { attempt: 1, fence: 1 }));
      return () => client.query({ name: 'bench_owned_commit', text: ownedSql, values: params });
    },
    batch: async (i: number) => {
      const params = commitParams([attemptGroup(await entriesFor('batch', i), { attempt: 1, fence: 1 })]);
      return () => client.query({ name: 'bench_batch_commit', text: batchSql, values: params });
    },
    perKey: async (i: number) => {
      const entries = (await entriesFor('perkey', i)).map((e) => ({ ...e, attempt: 1, fence: 1, temporalRunId: null, activityType: null, logicalDate: null }));
      const params = perKeyCommitParams(entries);
      return () => client.query({ name: 'bench_per_key_commit', text: perKeySql, values: params });
    },
  };
  const names = Object.keys(sides) as (keyof typeof sides)[];
  const samples = { owned: [] as number[], batch: [] as number[], perKey: [] as number[] };
  for (let i = -plan.warmup; i < 0; i++) for (const name of names) await (await sides[name](i))();
  const rounds = 20;
  let next = 0;
  for (let round = 0; round < rounds; round++) {
    const end = Math.round(((round + 1) * plan.iterations) / rounds);
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      for (let i = next; i < end; i++) {
        const run = await sides[name](i);
        samples[name].push(await timed(async () => void (await run()), i));
      }
    }
    next = end;
  }
  return { entries: size, owned: summarize(samples.owned), batch: summarize(samples.batch), perKey: summarize(samples.perKey) };
}
