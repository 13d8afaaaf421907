/**
 * `npm run bench:dag [-- --quick | --reps=N]`: what the generic DAG runner costs over the same fan-out written by
 * hand, in one run on services it starts itself (Temporal dev server, MinIO, Postgres; reused from TEMPORAL_ADDRESS,
 * S3_ENDPOINT, DATABASE_URL), with the same activities and worker settings everywhere:
 *   (a) `items = numbers(1000); fan = double.expand(items); reduce = sum(fan)` through `runDag`, plugin installed;
 *   (b) the same as a hand-written workflow (`Promise.all` over `double` under the runner's semaphore), plugin installed;
 *   (c) (b) on a worker without the plugin: the floor.
 * One warm-up run of each, then `reps` rounds, the order rotating each round. Prints markdown on stdout; progress
 * goes to stderr. `--quick` is a smoke test (100 items, one round); `--reps=N` runs N rounds instead of 3.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { TEMPORAL_CLI } from '../services/versions';
import { XComPlugin } from '../src/plugin';
import { describeMachine } from './lib/machine';
import { sourceRevision } from './lib/source-revision';
import { FAN_OUT_DAGS, MAX_ACTIVE_TASKS } from './dag/dags';
import { openTemporalBenchEnv } from './lib/temporal-bench-env';
import { benchStoreConfig } from './lib/service-env';
import { breakdownTable, commitUnderFanOut, runnerRatio, wallTable, type CaseResult } from './dag/report';
import { benchCases, sampleOnce, type BenchCase, type Sample } from './dag/runs';
import { replayMs } from './dag/replay';
import { probeStore } from './dag/store-probe';
import { createDagBenchWorkers, WORKER_SETTINGS } from './dag/workers';

/** Instances of the hand-written fan-out run one at a time each round: `store.commit` alone. */
const ALONE_COUNT = 100;

interface Measured {
  readonly results: CaseResult[];
  /** The hand-written workflow with one instance at a time, once per round. */
  readonly alone: Sample[];
}

interface Plan {
  readonly count: number;
  readonly reps: number;
}

function planFor(args: readonly string[]): Plan {
  const reps = args.find((a) => a.startsWith('--reps='));
  const unknown = args.filter((a) => a !== '--quick' && a !== reps);
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (use --quick, --reps=N)`);
  const plan = args.includes('--quick') ? { count: 100, reps: 1 } : { count: 1000, reps: 3 };
  if (reps === undefined) return plan;
  const n = Number(reps.slice('--reps='.length));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${reps}: a positive number of rounds, please`);
  return { ...plan, reps: n };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const plan = planFor(args);
  if (!FAN_OUT_DAGS.has(plan.count)) throw new Error(`no fan-out DAG of width ${plan.count}`);
  const started = Date.now();
  const step = (what: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  step('starting services');
  const env = await openTemporalBenchEnv('dag');
  try {
    for (const line of env.summary) step(line);
    const machine = await describeMachine(env.databaseUrl);
    const plugin = new XComPlugin({ store: benchStoreConfig(env), dags: [...FAN_OUT_DAGS.values()] });
    step('bundling the bench workflows (with and without the plugin)');
    const workers = await createDagBenchWorkers(env, plugin, randomBytes(4).toString('hex'));
    try {
      const { results, alone } = await workers.runWhile(async () => {
        const store = await plugin.store();
        const cases = benchCases(workers.xcom, workers.bare, store, probeStore(store));
        const { results: measured, alone } = await measure(cases, plan, step);
        step('replaying a history of (a) and of (b)');
        const withReplays: CaseResult[] = [];
        for (const r of measured) {
          // One after the other: replays are CPU-bound.
          const last = r.samples[r.samples.length - 1]!;
          withReplays.push(r.case.side === workers.xcom ? { ...r, replayMs: await replayMs(r.case.side, last.workflowId, workers.pluginBundle, plugin) } : r);
        }
        return { results: withReplays, alone };
      });
      step('done');
      const ratio = runnerRatio(results);
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        [
          `## DAG runner vs hand-written fan-out (issue 4)`,
          '',
          `\`npm run bench:dag${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\` (${seconds.toFixed(0)} s)`,
          '',
          ...[
            sourceRevision(),
            ...machine,
            `Temporal CLI ${TEMPORAL_CLI.version} dev server (SQLite in memory) on loopback; @temporalio/* ${packageVersion('@temporalio/worker/package.json')}`,
            `Load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work shares this machine)`,
            `${plan.count} items; at most ${MAX_ACTIVE_TASKS} instances at once on every side: the runner's \`maxActiveTasks\`, the same ` +
              `semaphore (src/workflow/dag/semaphore.ts) in the hand-written workflow, and \`maxConcurrentActivityTaskExecutions: ` +
              `${WORKER_SETTINGS.maxConcurrentActivityTaskExecutions}\`, \`maxCachedWorkflows: ${WORKER_SETTINGS.maxCachedWorkflows}\` on both workers ` +
              `(other worker options default); one worker process, one workflow at a time`,
            `One warm-up run of each, then ${plan.reps} round${plan.reps === 1 ? '' : 's'}, the order rotating each round; wall time is the client's ` +
              `\`workflow.execute\` (start → result)`,
          ].map((l) => `- ${l}`),
          '',
          wallTable(results, plan.count),
          '',
          `Runner ÷ hand-written, both with the plugin: **${ratio.ofP50s.toFixed(2)}×** of the p50s (goal ≤ 1.2×); ` +
            `within each round ${ratio.perRound.map((r) => `${r.toFixed(2)}×`).join(', ')}.`,
          '',
          breakdownTable(results),
          '',
          commitUnderFanOut(results, alone, MAX_ACTIVE_TASKS),
          '',
        ].join('\n'),
      );
    } finally {
      await workers.close();
    }
  } finally {
    step('stopping services');
    await env.close();
  }
}

async function measure(cases: readonly BenchCase[], plan: Plan, step: (what: string) => void): Promise<Measured> {
  const samples = new Map<BenchCase, Sample[]>(cases.map((c) => [c, []]));
  const hand = cases.find((c) => c.id === 'hand')!;
  const alone: Sample[] = [];
  for (const c of cases) {
    step(`warm-up: ${c.label}`);
    await sampleOnce(c, plan.count, MAX_ACTIVE_TASKS);
  }
  for (let round = 0; round < plan.reps; round++) {
    const order = cases.map((_, i) => cases[(i + round) % cases.length]!);
    for (const c of order) {
      const sample = await sampleOnce(c, plan.count, MAX_ACTIVE_TASKS);
      step(`round ${round + 1}/${plan.reps}: ${c.label}: ${(sample.wallMs / 1000).toFixed(2)} s, ${sample.history.events} events`);
      samples.get(c)!.push(sample);
    }
    // The same commits one at a time, in every round so load drift reaches both: the floor of "under fan-out".
    alone.push(await sampleOnce(hand, ALONE_COUNT, 1));
    step(`round ${round + 1}/${plan.reps}: ${ALONE_COUNT} instances one at a time`);
  }
  return { results: cases.map((c) => ({ case: c, samples: samples.get(c)! })), alone };
}

function packageVersion(manifest: string): string {
  return (JSON.parse(readFileSync(require.resolve(manifest), 'utf8')) as { version: string }).version;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:dag failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
