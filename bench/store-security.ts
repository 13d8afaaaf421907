import type { AuditedRead } from '../src/audit/audited-read';
import { ReadLog, recordingReads } from '../src/audit/read-log';
import { entryRef, type XComRef } from '../src/common/xcom-ref';
import { openXComStore } from '../src/config/open-store';
import { admitRefs } from '../src/security/admit-refs';
import type { XComBackend } from '../src/store/backend';
import { RETURN_VALUE_KEY, type ResolvedIdentity } from '../src/store/identity';
import type { SetResult } from '../src/store/types';
import type { XComStore } from '../src/store/xcom-store';
import type { BenchEnv } from './lib/bench-env';
import { identityFor, inlineValue } from './lib/fixtures';
import { compare, type Operation } from './lib/measure';
import { benchActivityInfo, benchEncryptionKeys, benchWorkerSecurity } from './lib/secure-worker';
import { benchStoreConfig } from './lib/service-env';
import type { TargetRow } from './lib/target-table';
import { jsonValue, randomBuffer } from './store-objects';

export interface SecurityPlan {
  readonly inline: { readonly warmup: number; readonly iterations: number };
  readonly batch: { readonly warmup: number; readonly batches: number; readonly size: number };
  readonly objects: { readonly warmup: number; readonly iterations: number };
}

/** Issue 10's targets: reads and writes within 1.15×, encryption within 1.3× on 1 MiB values. */
const READ_WRITE_TARGET = 1.15;
const ENCRYPTION_TARGET = 1.3;
const MIB = 1024 * 1024;

/**
 * One store as a worker uses it. Both sides run the same operations below; only what this holds differs:
 *   plain  — no encryption key, reads not recorded, refs left unsigned, nothing checked;
 *   secure — an encryption key, reads made through an attempt's recording view and committed with its result,
 *            refs signed when made and verified (MAC, read policy) before they resolve.
 */
interface Side {
  readonly name: 'plain' | 'secure' | 'control';
  readonly store: XComStore;
  /** What each attempt commit carries to the audit trail: the read of the task's upstream (secure), or nothing. */
  readonly reads: readonly AuditedRead[];
  /** The view one task attempt reads through. */
  reader(): XComBackend;
  sign(ref: XComRef): XComRef;
  /** What the worker does to a ref in a task's arguments before resolving it. */
  admit(ref: XComRef): void;
}

/**
 * The store's main operations, plain vs secure, each pair in alternating blocks with warm-ups excluded (lib/measure):
 *   set     one task attempt's commit of its result (`commitAttempt`) and the ref to it built;
 *   get     one read of that result by a task attempt (object values arrive as refs, as a DAG task's results do);
 *   commit  a keyed batch (`store.commit`, the path of workflow-side records), a ref built per entry.
 * The two stores share the database and bucket (separate prefixes), the codec settings and the pool size.
 */
export async function benchSecurity(env: BenchEnv, plan: SecurityPlan, step: (what: string) => void): Promise<TargetRow[]> {
  const config = (side: string) => benchStoreConfig({ databaseUrl: env.databaseUrl, s3: env.s3, storePrefix: `${env.s3.prefix}/${side}` });
  // One engine for both sides: calls made one after another reuse one connection, so both sides' round trips go to
  // the same server process (two connections differed by up to 35 µs a round trip, more than what is measured here).
  const secure = await openXComStore({ ...config('secure'), encryption: benchEncryptionKeys() }, { migrate: false });
  const plain = await openXComStore(config('plain'), { migrate: false, engine: secure.engine });
  const control = await openXComStore(config('control'), { migrate: false, engine: secure.engine });
  try {
    const sides = { plain: plainSide(plain, 'plain'), secure: await secureSide(secure), control: plainSide(control, 'control') };
    const rows: TargetRow[] = [];
    const pair = async (name: string, target: number, op: (side: Side) => Operation, options: Parameters<typeof compare>[2]) => {
      step(name);
      const { ours, floor } = await compare(op(sides.secure), op(sides.plain), options);
      rows.push({ name, without: floor, with: ours, target });
    };

    const [json, random] = [jsonValue(MIB), randomBuffer(MIB)];
    const cases = [
      { name: '~1 KB JSON (inline)', value: () => inlineValue(), viaRef: false, target: READ_WRITE_TARGET, ...plan.inline },
      { name: '1 MiB compressible JSON (object, gzip)', value: (i: number) => json.value(i), viaRef: true, target: ENCRYPTION_TARGET, ...plan.objects },
      { name: '1 MiB random bytes (object)', value: (i: number) => random.value(i), viaRef: true, target: ENCRYPTION_TARGET, ...plan.objects },
    ];
    for (const c of cases) {
      const series = c.name.replace(/\W+/g, '-');
      const refs = new Map<Side, Map<number, XComRef>>([[sides.plain, new Map()], [sides.secure, new Map()]]);
      const options = { warmup: c.warmup, iterations: c.iterations, rounds: Math.min(40, c.iterations) };
      await pair(`${c.name} · set`, c.target, (side) => attemptSet(side, series, c.value, refs.get(side)!), options);
      await pair(`${c.name} · get`, c.target, (side) => attemptGet(side, refs.get(side)!, c.viaRef), options);
    }
    // An A/A control: a second plain store against the first, both sides doing the same work. How far it strays
    // from 1× is how far this bench resolves.
    const controlRefs = new Map<Side, Map<number, XComRef>>([[sides.plain, new Map()], [sides.control, new Map()]]);
    const inline = { warmup: plan.inline.warmup, iterations: plan.inline.iterations, rounds: Math.min(40, plan.inline.iterations) };
    const controlPair = async (name: string, op: (side: Side) => Operation) => {
      step(name);
      const { ours, floor } = await compare(op(sides.control), op(sides.plain), inline);
      rows.push({ name, without: floor, with: ours, target: READ_WRITE_TARGET });
    };
    await controlPair('control: plain ÷ plain, ~1 KB · set', (side) => attemptSet(side, 'control', () => inlineValue(), controlRefs.get(side)!));
    await controlPair('control: plain ÷ plain, ~1 KB · get', (side) => attemptGet(side, controlRefs.get(side)!, false));
    const { warmup, batches, size } = plan.batch;
    await pair(`~1 KB JSON · commit ${size}/batch, per batch`, READ_WRITE_TARGET, (side) => batchCommit(side, size), {
      warmup,
      iterations: batches,
      rounds: batches,
      opsPerCall: size,
    });
    return rows;
  } finally {
    await control.close();
    await plain.close();
    await secure.close();
  }
}

function plainSide(store: XComStore, name: 'plain' | 'control'): Side {
  return { name, store, reads: [], reader: () => store, sign: (ref) => ref, admit: () => undefined };
}

async function secureSide(store: XComStore): Promise<Side> {
  const security = benchWorkerSecurity();
  const upstream: ResolvedIdentity = { ...identityFor('upstream', 0), taskId: 'producer' };
  await store.commitAttempt({ ...upstream, attempt: 1, fence: 1, values: new Map([[RETURN_VALUE_KEY, inlineValue()]]) });
  const log = new ReadLog();
  if (!(await recordingReads(store, log).get(upstream))) throw new Error('the upstream entry was not written');
  return {
    name: 'secure',
    store,
    reads: log.list(),
    reader: () => recordingReads(store, new ReadLog()),
    sign: (ref) => security.sign(ref),
    admit: (ref) => {
      const consumer = { dagId: ref.dagId, runId: ref.runId, taskId: 'consumer' };
      admitRefs(security, benchActivityInfo(ref.dagId, ref.runId), consumer, [ref], 'bench get');
    },
  };
}

function attemptSet(side: Side, series: string, value: (i: number) => unknown, refs: Map<number, XComRef>): Operation {
  return async (i) => {
    const { dagId, runId, taskId } = identityFor(`${series}-${side.name}`, i);
    const values = new Map([[RETURN_VALUE_KEY, value(i)]]);
    const { entries } = await side.store.commitAttempt({ dagId, runId, taskId, mapIndex: -1, attempt: 1, fence: 1, values, reads: side.reads });
    refs.set(i, side.sign(refOf(entries[0], i)));
  };
}

function attemptGet(side: Side, refs: ReadonlyMap<number, XComRef>, viaRef: boolean): Operation {
  return async (i) => {
    const ref = refs.get(i);
    if (!ref) throw new Error(`no ref for read ${i}: the set series must run first with the same plan`);
    if (viaRef) side.admit(ref);
    const { dagId, runId, taskId, mapIndex, key } = ref;
    if ((await side.reader().get({ dagId, runId, taskId, mapIndex, key })) === undefined) throw new Error(`read ${i} missed`);
  };
}

function batchCommit(side: Side, size: number): Operation {
  const value = inlineValue();
  return async (b) => {
    const indexes = Array.from({ length: size }, (_, j) => b * size + (b < 0 ? -j : j));
    const written = await side.store.commit(indexes.map((i) => ({ ...identityFor(`batch-${side.name}`, i), value, attempt: 1 })));
    written.forEach((w, j) => side.sign(refOf(w, indexes[j]!)));
  };
}

function refOf(result: SetResult | undefined, i: number): XComRef {
  if (!result?.written) throw new Error(`bench write ${i} was not written: keys must be unique per write`);
  return entryRef({ ...result.identity, sizeBytes: result.sizeBytes, digest: result.digest });
}
