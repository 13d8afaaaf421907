/**
 * `npm run bench:audit [-- --quick]`: what the audit trail of reads costs a task attempt on Postgres (issue 10: within
 * 1.15x). Each side does the same work in interleaved blocks on one store; "audited" goes through an attempt's
 * recording view and commits its reads, "plain" reads the store directly and commits none (auditing off):
 *   read    one `get` of an inline entry
 *   commit  one attempt's commit (one inline result) after reading 3 entries
 *   attempt 3 reads and the commit, as a consumer task does
 * Prints a markdown table; progress goes to stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ReadLog, recordingReads } from '../src/audit/read-log';
import type { AuditedRead } from '../src/audit/audited-read';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import { DirectoryObjectStore } from '../src/objects/directory-object-store';
import type { XComBackend } from '../src/store/backend';
import type { ResolvedIdentity } from '../src/store/identity';
import { XComStore } from '../src/store/xcom-store';
import { openBenchEnv } from './lib/bench-env';
import { inlineValue } from './lib/fixtures';
import { compare, type Comparison } from './lib/measure';

const UPSTREAM = 3;

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const plan = quick ? { warmup: 20, iterations: 200, rounds: 10 } : { warmup: 50, iterations: 1000, rounds: 20 };
  const step = (what: string) => process.stderr.write(`[bench:audit] ${what}\n`);
  step('starting services');
  const env = await openBenchEnv();
  const objectsDir = await mkdtemp(join(env.tmpDir, 'objects-'));
  const engine = createPostgresEngine({ connectionString: env.databaseUrl });
  const store = new XComStore({ engine, objectStore: new DirectoryObjectStore({ directory: objectsDir }) });
  try {
    // The upstream entries every consumer reads.
    const upstream: ResolvedIdentity[] = Array.from({ length: UPSTREAM }, (_, k) => ({
      dagId: 'bench_audit', runId: 'upstream', taskId: `producer_${k}`, mapIndex: -1, key: 'return_value',
    }));
    for (const id of upstream) {
      await store.commitAttempt({ ...id, attempt: 1, fence: 1, values: new Map([['return_value', inlineValue()]]) });
    }
    const value = inlineValue();
    const readAll = async (backend: XComBackend) => {
      for (const id of upstream) await backend.get(id);
    };
    const commit = (side: string, i: number, reads: readonly AuditedRead[]) =>
      store.commitAttempt({
        dagId: 'bench_audit', runId: `${side}-${Math.floor(Math.abs(i) / 100)}${i < 0 ? '-warm' : ''}`,
        taskId: `consumer_${Math.abs(i)}`, mapIndex: -1, attempt: 1, fence: 1,
        values: new Map([['return_value', value]]), reads,
      });
    // The reads a consumer notes, taken once (the commit side times the commit alone).
    const noted = new ReadLog();
    await readAll(recordingReads(store, noted));
    const reads = noted.list();

    const results: [string, Comparison][] = [];
    step('read');
    // One attempt's view, as a task reads through it (built once per attempt).
    const view = recordingReads(store, new ReadLog());
    results.push(['read (1 get)', await compare(
      async (i) => void (await view.get(upstream[Math.abs(i) % UPSTREAM]!)),
      async (i) => void (await store.get(upstream[Math.abs(i) % UPSTREAM]!)),
      plan,
    )]);
    step('commit');
    results.push([`commit (1 value, ${UPSTREAM} reads)`, await compare(
      async (i) => void (await commit('audited', i, reads)),
      async (i) => void (await commit('plain', i, [])),
      plan,
    )]);
    step('attempt');
    results.push([`attempt (${UPSTREAM} gets + commit)`, await compare(
      async (i) => {
        const log = new ReadLog();
        await readAll(recordingReads(store, log));
        await commit('audited-attempt', i, log.list());
      },
      async (i) => {
        await readAll(store);
        await commit('plain-attempt', i, []);
      },
      plan,
    )]);

    const ms = (n: number) => n.toFixed(3);
    console.log(`| operation | audited p50 ms | plain p50 ms | audited mean ms | plain mean ms | ratio (mean) |`);
    console.log(`|---|---:|---:|---:|---:|---:|`);
    for (const [name, { ours, floor }] of results) {
      console.log(`| ${name} | ${ms(ours.p50Ms)} | ${ms(floor.p50Ms)} | ${ms(ours.meanMs)} | ${ms(floor.meanMs)} | ${(ours.meanMs / floor.meanMs).toFixed(2)}x |`);
    }
    console.log(`\n${plan.iterations} timed calls per side in ${plan.rounds} alternating blocks, ${plan.warmup} warm-up; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  } finally {
    await store.close();
    await rm(objectsDir, { recursive: true, force: true });
    await env.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
