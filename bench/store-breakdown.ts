import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { createValueCodec } from '../src/codec/value-codec';
import { createPgliteEngine } from '../src/engines/pglite-engine';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import type { SqlEngine } from '../src/engines/sql-engine';
import { migrate } from '../src/migrations/migrate';
import { DirectoryObjectStore } from '../src/objects/directory-object-store';
import { keyedCommitParams, keyedCommitStatement } from '../src/store/keyed-commit-statement';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from '../src/store/limits';
import { prepareEntry } from '../src/store/prepare-entry';
import { setEntryParams, setEntryStatement } from '../src/store/set-entry-statement';
import { XComStore } from '../src/store/xcom-store';
import type { BenchEnv } from './lib/bench-env';
import { identityFor, inlineValue } from './lib/fixtures';
import { pgFloor, pgliteFloor, type FloorDb } from './lib/floor-db';
import { compare, measure, type Operation } from './lib/measure';
import { percentile, type Summary } from './lib/percentiles';

/** One line of the breakdown: a variant of the single-row write, or a piece of it, beside its floor when it has one. */
export interface BreakdownRow {
  readonly name: string;
  readonly ours?: Summary;
  readonly floor?: Summary;
  /** Set instead of numbers when the variant could not run (the statement or schema changed under it). */
  readonly error?: string;
  readonly note?: string;
}

export interface BreakdownPlan {
  readonly warmup: number;
  readonly iterations: number;
}

const SCHEMA = '"xcom"';
const FN_SCHEMA = 'bench_fn';

/**
 * Where the time of one inline `store.set` goes: `set_entry` (sql/000010_set_function.sql), the path a one-entry
 * write takes, and the keyed batch statement it replaced there (still the path of batches), alone through the
 * engine, as a named prepared statement with a generic plan, and wrapped in a PL/pgSQL function whose plan is cached
 * per session. Each timed row runs interleaved with the bare upsert.
 */
export async function benchBreakdown(env: BenchEnv, plan: BreakdownPlan): Promise<BreakdownRow[]> {
  const rows: BreakdownRow[] = [];
  const value = inlineValue();
  const codec = createValueCodec();
  const limits = { inlineThresholdBytes: DEFAULT_INLINE_THRESHOLD_BYTES, maxValueBytes: DEFAULT_MAX_VALUE_BYTES };
  const bytes = (await codec.encode(value)).bytes;
  // The keyed (per-key fenced) batch statement, and set_entry: the same write of one entry.
  const sql = keyedCommitStatement(SCHEMA);
  const keyed = async (series: string, i: number) =>
    ({ entry: (await prepareEntry(identityFor(series, i), value, codec, limits)).entry, attempt: 1, fence: 1 });
  const params = async (series: string, i: number) => keyedCommitParams([await keyed(series, i)]);
  const setSql = setEntryStatement(SCHEMA);
  const setParams = async (series: string, i: number) => setEntryParams(await keyed(series, i));
  const opts = { warmup: plan.warmup, iterations: plan.iterations };

  /** Times `run` on pre-built parameters (their preparation is not timed) against the floor's upsert. */
  const row = async (
    name: string,
    floor: FloorDb,
    run: (p: unknown[]) => Promise<unknown>,
    note?: string,
    paramsOf: (series: string, i: number) => Promise<unknown[]> = params,
  ) => {
    try {
      const series = `bd-${rows.length}`;
      const prepared = new Map<number, unknown[]>();
      for (let i = -plan.warmup; i < plan.iterations; i++) prepared.set(i, await paramsOf(series, i));
      const floorOp: Operation = (i) => floor.upsert(identityFor(series, i), bytes);
      const r = await compare(async (i) => void (await run(prepared.get(i)!)), floorOp, opts);
      rows.push({ name, ...r, note });
    } catch (err) {
      rows.push({ name, error: (err as Error).message.split('\n')[0] });
    }
  };

  // Postgres server.
  let columns = '';
  const engine = createPostgresEngine({ connectionString: env.databaseUrl });
  const store = new XComStore({ engine, objectStore: new DirectoryObjectStore({ directory: join(env.tmpDir, 'bd-objects') }) });
  const generic = new Client({ connectionString: env.databaseUrl, options: '-c plan_cache_mode=force_generic_plan' });
  const floor = await pgFloor(env.databaseUrl);
  try {
    await generic.connect();
    const fnReady = await resultColumns(generic, sql, await params('bd-describe', 0))
      .then((described) => createCommitFunction(engine, sql, (columns = described)))
      .then(() => undefined, (err: Error) => err);
    const setSeries = `bd-set`;
    rows.push({
      name: 'postgres · store.set (end to end)',
      ...(await compare(
        async (i) => void (await store.set({ ...identityFor(setSeries, i), value, attempt: 1 })),
        (i) => floor.upsert(identityFor(setSeries, i), bytes),
        opts,
      )),
    });
    await row(
      'postgres · set_entry alone (engine.query)',
      floor,
      (p) => engine.query(setSql, p, { prepareAs: 'xcom_set_bd' }),
      'what store.set sends: the function call, a named statement',
      setParams,
    );
    await row('postgres · commit statement alone (engine.query)', floor, (p) => engine.query(sql, p), 'unnamed: parsed and planned every call');
    await row(
      'postgres · … as a named statement, generic plan',
      floor,
      (p) => generic.query({ name: 'xcom_commit', text: sql, values: p }),
      'pg `name` + plan_cache_mode=force_generic_plan',
    );
    if (fnReady instanceof Error) rows.push({ name: 'postgres · … in a PL/pgSQL function', error: fnReady.message });
    else await row('postgres · … in a PL/pgSQL function', floor, (p) => engine.query(functionCall(sql), p), 'function SET plan_cache_mode=force_generic_plan');
    rows.push(await explainRow(engine, sql, params, plan));
  } finally {
    await floor.close();
    await generic.end().catch(() => undefined);
    await store.close();
  }

  // PGlite.
  const pglite = await createPgliteEngine({ dataDir: join(env.tmpDir, 'pglite-breakdown') });
  const pstore = new XComStore({ engine: pglite, objectStore: new DirectoryObjectStore({ directory: join(env.tmpDir, 'bd-pglite-objects') }) });
  let pfloor: FloorDb | undefined;
  try {
    await migrate(pglite);
    pfloor = await pgliteFloor(join(env.tmpDir, 'pglite-breakdown-floor'));
    const pf = pfloor;
    rows.push({
      name: 'pglite · store.set (end to end)',
      ...(await compare(
        async (i) => void (await pstore.set({ ...identityFor('bd-pset', i), value, attempt: 1 })),
        (i) => pf.upsert(identityFor('bd-pset', i), bytes),
        opts,
      )),
    });
    await row('pglite · set_entry alone (engine.query)', pfloor, (p) => pglite.query(setSql, p), 'what store.set sends', setParams);
    const fnReady = columns
      ? await createCommitFunction(pglite, sql, columns).then(() => undefined, (err: Error) => err)
      : new Error('the commit statement could not be described on Postgres');
    await row('pglite · commit statement alone (engine.query)', pfloor, (p) => pglite.query(sql, p));
    if (fnReady instanceof Error) rows.push({ name: 'pglite · … in a PL/pgSQL function', error: fnReady.message });
    else await row('pglite · … in a PL/pgSQL function', pfloor, (p) => pglite.query(functionCall(sql), p));
  } finally {
    await pfloor?.close();
    await pstore.close();
  }

  // Serialization alone (no database): the inline value, and the two sides of the 1 MiB sampling boundary.
  const codecRow = async (name: string, input: unknown, note?: string) =>
    rows.push({ name, ours: await measure(async () => void (await codec.encode(input)), opts), note });
  await codecRow('codec.encode · the ~1 KB value', value, 'serialize + sha256 (below the 1 KiB gzip threshold)');
  const oneMiB = randomBytes(1024 * 1024);
  const small = { warmup: 3, iterations: Math.max(10, Math.round(plan.iterations / 20)) };
  rows.push({
    name: 'codec.encode · 1 MiB random bytes',
    ours: await measure(async () => void (await codec.encode(oneMiB)), small),
    note: 'gzips all of it, then keeps the raw bytes',
  });
  const overOneMiB = randomBytes(1024 * 1024 + 1);
  rows.push({
    name: 'codec.encode · 1 MiB + 1 byte random bytes',
    ours: await measure(async () => void (await codec.encode(overOneMiB)), small),
    note: 'a 64 KiB sample decides: no full gzip',
  });
  return rows;
}

/** Parameter types of the commit statement, read from its `$n::type[]` casts, in order. */
function parameterTypes(sql: string): string[] {
  const types = new Map<number, string>();
  for (const m of sql.matchAll(/\$(\d+)::([a-z0-9_]+(?:\[\])?)/g)) types.set(Number(m[1]), m[2]!);
  return [...types.keys()].sort((a, b) => a - b).map((n) => types.get(n)!);
}

function functionCall(sql: string): string {
  const args = parameterTypes(sql).map((type, k) => `$${k + 1}::${type}`);
  return `select * from ${FN_SCHEMA}.commit_entries(${args.join(', ')})`;
}

/**
 * `name type, …` of what the statement returns, read from the row description of one run rolled back, so the
 * function below follows the statement as it changes.
 */
async function resultColumns(client: Client, sql: string, params: unknown[]): Promise<string> {
  await client.query('begin');
  let fields: { name: string; dataTypeID: number }[];
  try {
    fields = (await client.query(sql, params)).fields;
  } finally {
    await client.query('rollback');
  }
  const { rows } = await client.query<{ type: string }>(
    'select format_type(oid, null) as type from unnest($1::oid[]) with ordinality as t(oid, n) order by n',
    [fields.map((f) => f.dataTypeID)],
  );
  return fields.map((f, k) => `${f.name} ${rows[k]!.type}`).join(', ');
}

/** The commit statement verbatim as a PL/pgSQL function: PL/pgSQL caches its plan per session. */
async function createCommitFunction(engine: SqlEngine, sql: string, columns: string): Promise<void> {
  await engine.exec(`
    create schema if not exists ${FN_SCHEMA};
    drop function if exists ${FN_SCHEMA}.commit_entries;
    create function ${FN_SCHEMA}.commit_entries(${parameterTypes(sql).join(', ')})
      returns table (${columns})
      language plpgsql set plan_cache_mode = force_generic_plan
    as $fn$
      #variable_conflict use_column
      begin
        return query ${sql};
      end
    $fn$;`);
}

/** EXPLAIN ANALYZE of the single-row commit: median planning and execution time reported by the server. */
async function explainRow(
  engine: SqlEngine,
  sql: string,
  params: (series: string, i: number) => Promise<unknown[]>,
  plan: BreakdownPlan,
): Promise<BreakdownRow> {
  const planning: number[] = [];
  const execution: number[] = [];
  const runs = Math.max(20, Math.round(plan.iterations / 10));
  for (let i = -5; i < runs; i++) {
    const lines = await engine.query<{ 'QUERY PLAN': string }>(`explain (analyze, timing off) ${sql}`, await params('bd-explain', i));
    if (i < 0) continue;
    const text = lines.map((l) => l['QUERY PLAN']).join('\n');
    planning.push(Number(/Planning Time: ([\d.]+)/.exec(text)?.[1]));
    execution.push(Number(/Execution Time: ([\d.]+)/.exec(text)?.[1]));
  }
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  return {
    name: 'postgres · EXPLAIN ANALYZE of the commit statement',
    note: `server-side median of ${runs}: planning ${median(planning).toFixed(3)} ms, execution ${median(execution).toFixed(3)} ms`,
  };
}
