/**
 * `npm run bench:overhead [-- --quick] [-- --as-installed] [-- --security]`: what the plugin costs a Temporal workflow, measured in
 * one run on services it starts itself (Temporal dev server, MinIO, Postgres; reused from TEMPORAL_ADDRESS,
 * S3_ENDPOINT, DATABASE_URL):
 *   1. per small activity, the same workflow with and without the plugin (latencies from history event times),
 *      and what the plugin's commit costs on its own;
 *   2. a 10 MiB and a 100 MiB activity result handed to a second activity, as an XComRef through our store vs
 *      through Temporal's External Storage with the S3 driver, on the same MinIO.
 * Prints markdown tables on stdout; progress goes to stderr.
 *   --quick         fewer activities and large runs
 *   --as-installed  External Storage without the bench's protobufjs shim (see below)
 *   --security      instead of 1 and 2: the plugin plain vs the plugin with encryption at rest and a signing key,
 *                   per small activity (each pulling its upstream) and for 10/100 MiB refs (overhead/security-run.ts)
 *
 * External Storage as npm installs @temporalio/* 1.24.0 fails on its first offloaded payload (see
 * overhead/one-protobufjs.ts); the bench measures it with a shim that fixes that, unless `--as-installed`.
 */
// First: it decides how the SDK loads protobufjs before any @temporalio module is loaded.
import { AS_INSTALLED, EXTERNAL_STORAGE_AS_INSTALLED } from './overhead/preload';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { describeMachine } from './lib/machine';
import { TEMPORAL_CLI } from '../services/versions';
import { XComPlugin } from '../src/plugin';
import { benchCommitCost, type CommitPlan } from './overhead/commit-cost';
import { countObjectCalls } from './overhead/count-object-store';
import { benchStoreConfig } from './lib/service-env';
import { openOverheadEnv } from './overhead/env';
import { benchLargeValues, type LargePlan } from './overhead/large-values';
import { benchPerActivity, type PerActivityPlan } from './overhead/per-activity';
import { sourceRevision } from './lib/source-revision';
import { timeCommits } from './overhead/time-commits';
import { summarize } from './lib/percentiles';
import { overheadReport } from './overhead/report';
import { benchSecurityOverhead, type SecurityOverheadPlan } from './overhead/security-run';
import { createBenchWorkers } from './overhead/workers';

const MIB = 1024 * 1024;

interface Plan {
  readonly perActivity: PerActivityPlan;
  readonly commit: CommitPlan;
  readonly large: LargePlan;
  /** Set by --security: that comparison runs instead of parts 1 and 2. */
  readonly security: SecurityOverheadPlan | undefined;
}

function planFor(args: readonly string[]): Plan {
  const unknown = args.filter((a) => !['--quick', '--as-installed', '--security'].includes(a));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (use --quick, --as-installed, --security)`);
  const quick = args.includes('--quick');
  const count = quick ? 50 : 200;
  const perActivity = { count, rounds: 3, warmupCount: Math.min(count, 50) };
  return {
    perActivity,
    commit: { warmup: 20, iterations: quick ? 150 : 600, rounds: 6 },
    large: {
      warmupBytes: MIB,
      sizes: [
        { bytes: 10 * MIB, repetitions: quick ? 1 : 3, timeoutMs: 60_000 },
        { bytes: 100 * MIB, repetitions: quick ? 1 : 2, timeoutMs: 150_000 },
      ],
    },
    // Odd repetitions, so the median is a run.
    security: !args.includes('--security')
      ? undefined
      : {
          perActivity,
          large: {
            warmupBytes: MIB,
            sizes: [
              { bytes: 10 * MIB, repetitions: quick ? 3 : 5, timeoutMs: 60_000 },
              { bytes: 100 * MIB, repetitions: quick ? 1 : 3, timeoutMs: 150_000 },
            ],
          },
        },
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const plan = planFor(args);
  const started = Date.now();
  const step = (what: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  step('starting services');
  const env = await openOverheadEnv();
  try {
    for (const line of env.summary) step(line);
    const source = sourceRevision();
    const machine = await describeMachine(env.databaseUrl);
    if (plan.security) {
      const sections = await benchSecurityOverhead(env, plan.security, randomBytes(4).toString('hex'), step);
      const facts = [...machine, temporalFacts(), source, `load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`];
      process.stdout.write(
        [`## bench:overhead --security`, '', `\`${command(args)}\` (${((Date.now() - started) / 1000).toFixed(0)} s)`, '', ...facts.map((l) => `- ${l}`), '', sections].join('\n'),
      );
      return;
    }
    const storeConfig = benchStoreConfig(env);
    // The bench's workflows never call the XCom workflow API: record them all, and send refs from 256 KiB as when
    // BENCHMARKS.md's numbers were taken (the default is now Temporal's 2 MiB payload limit).
    const plugin = new XComPlugin({ store: storeConfig, recordAll: true, historyThresholdBytes: 256 * 1024 });
    step('bundling the bench workflows (with and without the plugin)');
    const largest = Math.max(...plan.large.sizes.map((s) => s.bytes));
    const workers = await createBenchWorkers(env, plugin, largest, randomBytes(4).toString('hex'));
    try {
      const measured = await workers.runWhile(async () => {
        const objectCalls = countObjectCalls(await plugin.store());
        const inSitu = timeCommits(await plugin.store());
        step('part 1: per-activity overhead');
        const perActivity = await benchPerActivity(workers, plan.perActivity, step);
        // Taken now: the commits timed next (no Temporal) go through the same store.
        const inActivities = summarize(inSitu.splice(0));
        step('part 1: cost of one commit, no Temporal');
        const commit = { ...(await benchCommitCost(plugin, storeConfig, plan.commit)), inActivities };
        step('part 2: large values');
        const large = await benchLargeValues({ ...workers.xcom, counts: objectCalls }, workers.externalStorage, plan.large, step);
        return { perActivity, commit, large };
      });
      step('done');
      process.stdout.write(
        overheadReport({
          command: command(args),
          seconds: (Date.now() - started) / 1000,
          facts: [
            ...machine,
            temporalFacts(),
            `External Storage with the SDK as installed: ${EXTERNAL_STORAGE_AS_INSTALLED === 'ok' ? 'works' : `${EXTERNAL_STORAGE_AS_INSTALLED} (encoding its reference payload)`}; ${AS_INSTALLED ? 'measured as installed (--as-installed)' : "measured with the bench's one-protobufjs shim (bench/overhead/one-protobufjs.ts)"}`,
            source,
            `load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
          ],
          perActivityPlan: plan.perActivity,
          ...measured,
        }),
      );
    } finally {
      await workers.close();
    }
  } finally {
    step('stopping services');
    await env.close();
  }
}

function command(args: readonly string[]): string {
  return `npm run bench:overhead${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}

function temporalFacts(): string {
  return `Temporal CLI ${TEMPORAL_CLI.version} dev server (SQLite in memory) on loopback; @temporalio/* ${sdkVersion()}; External Storage S3 driver ${driverVersion()}`;
}

function sdkVersion(): string {
  return packageVersion('@temporalio/worker/package.json');
}

function driverVersion(): string {
  return packageVersion('@temporalio/external-storage-s3/package.json');
}

function packageVersion(manifest: string): string {
  return (JSON.parse(readFileSync(require.resolve(manifest), 'utf8')) as { version: string }).version;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:overhead failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
