/**
 * `npm run bench:retention [-- --runs 100000 --tasks 10]`: purging 1M entries (100k runs × 10 tasks) on the
 * Postgres server while a DAG keeps committing to other runs. Reports the purge's time and rows/s, the longest
 * single batch transaction (the longest any lock is held), and the concurrent writer's commit latency during the
 * purge beside the same writer's latency without it, measured in the same run. Prints markdown.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import { DirectoryObjectStore } from '../src/objects/directory-object-store';
import { XComStore } from '../src/store/xcom-store';
import { openBenchEnv } from './lib/bench-env';
import { describeMachine } from './lib/machine';
import { percentile } from './lib/percentiles';
import { formatMs, formatRate, formatRatio, markdownTable } from './lib/table';
import { fillRuns } from './retention/fill';

const DAG = 'bench_retention';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, tasks: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  const tasks = Number(values.tasks);
  const step = (what: string) => process.stderr.write(`[bench:retention] ${what}\n`);
  const env = await openBenchEnv();
  try {
    const machine = await describeMachine(env.databaseUrl);
    const engine = createPostgresEngine({ connectionString: env.databaseUrl, max: 4 });
    const store = new XComStore({ engine, objectStore: new DirectoryObjectStore({ directory: join(env.tmpDir, 'objects') }) });
    try {
      step(`filling ${runs} runs × ${tasks} entries`);
      const fillStart = performance.now();
      await fillRuns(engine, '"xcom"', { dagId: DAG, runs, tasks, newest: new Date(Date.now() - 2 * 86_400_000), onChunk: (n) => n % 20000 === 0 && step(`  ${n} runs`) });
      const fillSeconds = (performance.now() - fillStart) / 1000;

      step('writer alone (baseline)');
      const aloneFrom = performance.now();
      const alone = await writeFor(store, 'alone', () => performance.now() - aloneFrom > 15_000);

      step('purge with the writer beside it');
      const batches: number[] = [];
      let last = performance.now();
      const purgeStart = performance.now();
      let purging = true;
      const purge = store
        .purge({
          olderThan: '1 day',
          dagIds: DAG,
          onProgress: () => {
            const now = performance.now();
            batches.push(now - last);
            last = now;
          },
        })
        .finally(() => (purging = false));
      const during = await writeFor(store, 'during', () => !purging);
      const result = await purge;
      const purgeSeconds = (performance.now() - purgeStart) / 1000;

      const p = (s: number[], q: number) => percentile([...s].sort((a, b) => a - b), q);
      process.stdout.write(
        [
          `# bench:retention (${runs} runs × ${tasks} entries)`,
          '',
          ...machine.map((l) => `- ${l}`),
          `- fill: ${fillSeconds.toFixed(0)} s; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
          '',
          markdownTable(
            ['purge', 'runs', 'entries', 'ledger rows', 'time', 'entries/s', 'batches', 'longest batch (lock held)', 'p99 batch'],
            [[
              'olderThan 1 day, batches of 50 runs',
              String(result.runs),
              String(result.entries),
              String(result.ledger),
              `${purgeSeconds.toFixed(1)} s`,
              formatRate(result.entries / purgeSeconds),
              String(batches.length),
              formatMs(Math.max(...batches)),
              formatMs(p(batches, 99)),
            ]],
          ),
          '',
          markdownTable(
            ['concurrent writer (commitAttempt, 3 inline keys)', 'commits', 'p50', 'p99', 'max'],
            [
              ['alone', String(alone.length), formatMs(p(alone, 50)), formatMs(p(alone, 99)), formatMs(Math.max(...alone))],
              ['during the purge', String(during.length), formatMs(p(during, 50)), formatMs(p(during, 99)), formatMs(Math.max(...during))],
              ['ratio (during ÷ alone)', '', formatRatio(p(during, 50) / p(alone, 50)), formatRatio(p(during, 99) / p(alone, 99)), ''],
            ],
          ),
          '',
        ].join('\n'),
      );
    } finally {
      await store.close();
    }
  } finally {
    await env.close();
  }
}

/** Commits one attempt after another to fresh runs until `done()`, returning each commit's latency in ms. */
async function writeFor(store: XComStore, label: string, done: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; !done(); i++) {
    const t0 = performance.now();
    await store.commitAttempt({
      dagId: `${DAG}_writer`,
      runId: `${label}_${Math.floor(i / 10)}`,
      taskId: `task_${i}`,
      attempt: 1,
      fence: 1,
      logicalDate: new Date(),
      values: new Map<string, unknown>([['return_value', { i }], ['a', i], ['b', 'x'.repeat(200)]]),
    });
    samples.push(performance.now() - t0);
  }
  return samples;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
