/**
 * `npm run bench:security [-- --rounds 5]`: what signed refs and the access policy add to one task instance on the
 * worker, against the floor of the work every task instance does anyway, its attempt commit (one small value), on
 * the same Postgres store in the same run. Rounds alternate the order of the series; the table gives the median of
 * the rounds' means and their spread (min–max).
 *   admission, cached owner: the run claim check (owner confirmed earlier in the process), the argument walk over
 *     one signed ref (MAC verify + read check), signing the result's ref — every task of a run after its first;
 *   admission, first task of a run: the same plus the run owner claim (one statement) — once per run and process.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Info } from '@temporalio/activity';
import { Client } from 'pg';
import { entryRef } from '../src/common/xcom-ref';
import { openXComStore } from '../src/config/open-store';
import { storeConfigFromEnv } from '../src/config/store-config';
import { admitTask } from '../src/security/admit-task';
import { RunOwners } from '../src/security/run-owners';
import { signingKeys } from '../src/security/signing-key';
import { WorkerSecurity } from '../src/security/worker-security';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const COMMITS = 300;
const ADMISSIONS = 300;

interface Series {
  readonly name: string;
  /** Per-operation milliseconds of one batch. */
  run(): Promise<number>;
}

async function main(): Promise<void> {
  const roundsAt = process.argv.indexOf('--rounds');
  const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 5;
  const database = `xcom_bench_security_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'xcom-bench-security-'));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const store = (await openXComStore({ ...storeConfigFromEnv({}), database: { kind: 'postgres', connectionString: url.toString() }, objects: { kind: 'directory', directory: dir } }));
  try {
    const security = new WorkerSecurity(signingKeys([{ id: 'k1', secret: randomBytes(32) }], 'bench'), {}, () => undefined, new RunOwners(store.engine, store.schema));
    const info = (workflowId: string): Info => ({ workflowType: 'etl', workflowExecution: { workflowId, runId: randomUUID() }, taskQueue: 'q', workflowNamespace: 'default', activityType: 'task', activityId: '1', activityNamespace: 'default' }) as unknown as Info;
    const cachedRun = `run-${randomUUID()}`;
    await security.admitWriter(info(cachedRun), { dagId: 'etl', runId: cachedRun, taskId: 'warm' }, 'bench');
    const upstream = security.sign(entryRef({ dagId: 'etl', runId: cachedRun, taskId: 'extract', mapIndex: -1, key: 'return_value', sizeBytes: 2048, digest: 'ab'.repeat(32) }));
    const args = [{ rows: upstream, options: { limit: 10, tags: ['a', 'b'] } }];
    let task = 0;
    const admit = async (runId: string) => {
      const access = await admitTask(security, info(runId), { dagId: 'etl', runId, taskId: `t${task++}` }, args);
      access.sign(entryRef({ dagId: 'etl', runId, taskId: 't', mapIndex: -1, key: 'return_value', sizeBytes: 10, digest: 'cd'.repeat(32) }));
    };
    const series: Series[] = [
      {
        name: 'floor: attempt commit (one small value)',
        run: () =>
          timed(COMMITS, (i) =>
            store.commitAttempt({ dagId: 'etl', runId: cachedRun, taskId: `c${task++}-${i}`, mapIndex: -1, values: new Map([['return_value', { n: i }]]), attempt: 1, fence: Date.now() }).then(() => undefined),
          ),
      },
      { name: 'admission, cached owner', run: () => timed(ADMISSIONS, () => admit(cachedRun)) },
      { name: 'admission, first task of a run', run: () => timed(ADMISSIONS, () => admit(`run-${randomUUID()}`)) },
    ];
    const results = new Map<string, number[]>(series.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? series : [...series].reverse();
      for (const s of order) results.get(s.name)!.push(await s.run());
      process.stderr.write(`round ${round + 1}/${rounds} done\n`);
    }
    const floor = median(results.get(series[0]!.name)!);
    const rows = series.map((s) => {
      const samples = results.get(s.name)!;
      const ms = median(samples);
      const ratio = s === series[0] ? '1.00×' : `${((floor + ms) / floor).toFixed(3)}×`;
      return `| ${s.name} | ${(ms * 1000).toFixed(1)} | ${(Math.min(...samples) * 1000).toFixed(1)}–${(Math.max(...samples) * 1000).toFixed(1)} | ${ratio} |`;
    });
    process.stdout.write(
      [
        `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${rounds} rounds`,
        '',
        '| per task instance | median µs | spread µs (round means) | commit + this, to the commit |',
        '|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}

/** Mean milliseconds per operation over `count` sequential operations. */
async function timed(count: number, op: (i: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await op(i);
  return (performance.now() - start) / count;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:security failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
