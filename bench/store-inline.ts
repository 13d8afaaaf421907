import { join } from 'node:path';
import { createValueCodec } from '../src/codec/value-codec';
import { createPgliteEngine } from '../src/engines/pglite-engine';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import type { SqlEngine } from '../src/engines/sql-engine';
import { migrate } from '../src/migrations/migrate';
import { DirectoryObjectStore } from '../src/objects/directory-object-store';
import { XComStore } from '../src/store/xcom-store';
import type { XComWrite } from '../src/store/types';
import type { BenchEnv } from './lib/bench-env';
import { identityFor, inlineValue } from './lib/fixtures';
import { pgFloor, pgliteFloor, type FloorDb } from './lib/floor-db';
import { compare, type Comparison } from './lib/measure';

export type EngineKind = 'postgres' | 'pglite';

export interface InlinePlan {
  readonly warmup: number;
  readonly setIterations: number;
  readonly getIterations: number;
  readonly batchSize: number;
  readonly batches: number;
}

export interface InlineResult {
  readonly engine: EngineKind;
  /** Stored size and encoding of the value (what both sides write). */
  readonly valueBytes: number;
  readonly encoding: string;
  /** store.set vs one bare upsert per statement. */
  readonly set: Comparison;
  /** store.commit of a batch vs one bare multi-row upsert of the same batch. */
  readonly commit: Comparison;
  /** store.get vs a bare select by primary key. */
  readonly get: Comparison;
}

/** Inline (~1 KB JSON) set, batched commit and get through the store, each beside the bare statement. */
export async function benchInline(kind: EngineKind, env: BenchEnv, plan: InlinePlan): Promise<InlineResult> {
  const value = inlineValue();
  const encoded = await createValueCodec().encode(value);
  const bytes = encoded.bytes;
  const engine = await openEngine(kind, env);
  const store = new XComStore({ engine, objectStore: new DirectoryObjectStore({ directory: join(env.tmpDir, `${kind}-objects`) }) });
  let floor: FloorDb | undefined;
  try {
    floor = kind === 'postgres' ? await pgFloor(env.databaseUrl) : await pgliteFloor(join(env.tmpDir, 'pglite-floor'));
    const f = floor;
    const write = (series: string, i: number): XComWrite => ({ ...identityFor(series, i), value, attempt: 1 });

    const set = await compare(
      async (i) => expectWritten((await store.set(write('set', i))).written),
      (i) => f.upsert(identityFor('set', i), bytes),
      { warmup: plan.warmup, iterations: plan.setIterations },
    );

    const batch = (b: number) => Array.from({ length: plan.batchSize }, (_, j) => b * plan.batchSize + (b < 0 ? -j : j));
    const commit = await compare(
      async (b) => (await store.commit(batch(b).map((i) => write('batch', i)))).forEach((r) => expectWritten(r.written)),
      (b) => f.upsertMany(batch(b).map((i) => identityFor('batch', i)), bytes),
      { warmup: Math.max(2, Math.ceil(plan.warmup / 10)), iterations: plan.batches, opsPerCall: plan.batchSize },
    );

    // Reads the entries the set phase wrote (warm-up reads the warm-up writes).
    const readIndex = (i: number) => (i < 0 ? i : i % plan.setIterations);
    const get = await compare(
      async (i) => {
        if ((await store.get(identityFor('set', readIndex(i)))) === undefined) throw new Error(`store.get missed ${i}`);
      },
      async (i) => void (await f.select(identityFor('set', readIndex(i)))),
      { warmup: plan.warmup, iterations: plan.getIterations },
    );

    return { engine: kind, valueBytes: bytes.length, encoding: encoded.encoding, set, commit, get };
  } finally {
    await floor?.close();
    await store.close();
  }
}

async function openEngine(kind: EngineKind, env: BenchEnv): Promise<SqlEngine> {
  if (kind === 'postgres') return createPostgresEngine({ connectionString: env.databaseUrl });
  const engine = await createPgliteEngine({ dataDir: join(env.tmpDir, 'pglite-store') });
  try {
    await migrate(engine);
  } catch (err) {
    await engine.close();
    throw err;
  }
  return engine;
}

function expectWritten(written: boolean): void {
  if (!written) throw new Error('a bench write was fenced: keys must be unique per write');
}
