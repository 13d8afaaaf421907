// `npm run chaos -- --runs N [--seed S]`: the chaos harness (RELIABILITY.md). Starts Temporal, MinIO and Postgres
// (or reuses TEMPORAL_ADDRESS, S3_ENDPOINT, DATABASE_URL), runs the chaos DAG N times with its worker being killed,
// checks the invariants after each run and prints one table. Exit code 1 when any invariant was violated.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from '../bench/lib/machine';
import { deleteS3Prefix, requiredServiceEnv, s3LocationFrom } from '../bench/lib/service-env';
import { createDatabase, databaseUrl, dropDatabase } from '../services/postgres';
import { startServices } from '../services/start-services';
import type { RunReport } from './chaos-run';
import { runChaos } from './harness';
import { DEFAULT_RATES } from './plan';
import { chaosTable, killPointSummary, totalsOf, violationCount } from './report';

const USAGE = `npm run chaos -- [options]
  --runs N               runs of the chaos DAG (default 10)
  --workers N            worker processes per run (default 2)
  --seed S               seed for plans and kill schedules (default: random, printed)
  --kill-rate P          probability that a planned attempt kills its worker (default ${DEFAULT_RATES.kill})
  --zombie-rate P        probability that a planned attempt becomes a zombie (default ${DEFAULT_RATES.zombie})
  --harness-kills N      at most N kills of the worker from outside per run (default ${DEFAULT_RATES.maxHarnessKills})
  --sweep-grace-ms MS    grace period of the workers' background object sweeper (default 3000)
  --sweep-interval-ms MS how often the workers' sweeper runs (default 4000)
  --keep                 keep the database and the objects afterwards
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      workers: { type: 'string', default: '2' },
      seed: { type: 'string' },
      'kill-rate': { type: 'string' },
      'zombie-rate': { type: 'string' },
      'harness-kills': { type: 'string' },
      'sweep-grace-ms': { type: 'string', default: '3000' },
      'sweep-interval-ms': { type: 'string', default: '4000' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const runs = integer('runs', values.runs, 1);
  const workers = integer('workers', values.workers, 1);
  const seed = values.seed === undefined ? randomBytes(4).readUInt32BE(0) : integer('seed', values.seed, 0);
  const rates = {
    kill: probability('kill-rate', values['kill-rate'] ?? String(DEFAULT_RATES.kill)),
    zombie: probability('zombie-rate', values['zombie-rate'] ?? String(DEFAULT_RATES.zombie)),
    maxHarnessKills: integer('harness-kills', values['harness-kills'] ?? String(DEFAULT_RATES.maxHarnessKills), 0),
  };
  const sweep = { graceMs: integer('sweep-grace-ms', values['sweep-grace-ms'], 0), intervalMs: integer('sweep-interval-ms', values['sweep-interval-ms'], 100) };

  const services = await startServices();
  const tag = randomBytes(4).toString('hex');
  const adminUrl = requiredServiceEnv(services.env, 'DATABASE_URL');
  const database = `xcom_chaos_${tag}`;
  const s3 = s3LocationFrom(services.env);
  const settings = { databaseUrl: databaseUrl(adminUrl, database), s3, prefix: `chaos-${tag}` };
  const logDir = await mkdtemp(path.join(tmpdir(), `xcom-chaos-${tag}-`));
  try {
    await createDatabase(adminUrl, database);
    const out = (line = '') => process.stdout.write(`${line}\n`);
    out(`chaos: ${runs} runs, ${workers} workers each, seed ${seed} (replay: npm run chaos -- --runs ${runs} --workers ${workers} --seed ${seed})`);
    out(`rates: kill ${rates.kill}, zombie ${rates.zombie}, harness kills 0..${rates.maxHarnessKills} per run; sweeper every ${sweep.intervalMs} ms, grace ${sweep.graceMs} ms`);
    for (const line of [...services.summary, ...(await describeMachine(adminUrl))]) out(`- ${line}`);
    out(`- database ${database}, objects under ${s3.bucket}/${settings.prefix}/, worker logs in ${logDir}`);
    out();
    const reports = await runChaos({
      runs,
      workers,
      seed,
      rates,
      temporalAddress: requiredServiceEnv(services.env, 'TEMPORAL_ADDRESS'),
      settings,
      sweep,
      logDir,
      onRun: (report) => process.stderr.write(progressLine(report, runs)),
    });
    const totals = totalsOf(reports);
    out(chaosTable(reports));
    out();
    out(`self-kills by point: ${killPointSummary(reports)}`);
    out(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const violations = violationCount(totals);
    if (violations === 0) {
      out('all invariants held');
      return 0;
    }
    out(`${violations} invariant violations (seed ${seed}):`);
    // Object problems persist across runs until something removes them: each is shown once, at the run that found it.
    const shown = new Set<string>();
    for (const report of reports) {
      for (const detail of report.details) {
        if (shown.has(detail)) continue;
        shown.add(detail);
        out(`  run ${report.index + 1} (${report.workflowId}): ${detail}`);
      }
    }
    return 1;
  } finally {
    if (values.keep) {
      process.stdout.write(`kept database ${database} and objects under ${s3.bucket}/${settings.prefix}/\n`);
    } else {
      await dropDatabase(adminUrl, database).catch(() => undefined);
      await deleteS3Prefix(s3, `${settings.prefix}/`).catch(() => undefined);
    }
    await services.stop();
  }
}

function progressLine(r: RunReport, runs: number): string {
  const bad = Object.entries(r.violations).filter(([, n]) => n > 0);
  const verdict = bad.length === 0 ? 'ok' : `VIOLATED ${bad.map(([k, n]) => `${k} ${n}`).join(', ')}`;
  const selfKills = [...r.selfKills.values()].reduce((a, b) => a + b, 0);
  return (
    `run ${r.index + 1}/${runs} (seed ${r.seed}): ${r.seconds.toFixed(1)} s, ${r.attempts} attempts, ` +
    `kills ${r.harnessKills}+${selfKills}, zombies ${r.zombies}, late ${r.lateCommits}: ${verdict}\n`
  );
}

function integer(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  return n;
}

function probability(name: string, text: string): number {
  const p = Number(text);
  if (!(p >= 0 && p <= 1)) throw new Error(`--${name} must be between 0 and 1, got ${JSON.stringify(text)}`);
  return p;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`chaos failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
