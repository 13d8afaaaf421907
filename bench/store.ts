/**
 * `npm run bench:store [-- --quick] [-- --no-breakdown] [-- --security]`: the store against the bare database and S3
 * calls it is built on, measured in one run on services it starts itself (Postgres and MinIO; reused from
 * DATABASE_URL and S3_ENDPOINT when set). Prints markdown tables; progress goes to stderr.
 *   --quick         fewer iterations
 *   --no-breakdown  skip the "where one inline write spends its time" table
 *   --security      instead of the floors: the same operations on a plain store and on one with signing, auditing of
 *                   reads and encryption at rest on, interleaved, against issue 10's targets (store-security.ts)
 */
import { loadavg } from 'node:os';
import type { BenchEnv } from './lib/bench-env';
import { openBenchEnv } from './lib/bench-env';
import { describeMachine } from './lib/machine';
import { sourceRevision } from './lib/source-revision';
import { targetTable } from './lib/target-table';
import { benchBreakdown, type BreakdownPlan } from './store-breakdown';
import { benchInline, type InlinePlan, type InlineResult } from './store-inline';
import { benchMemory } from './store-memory';
import { benchObjects, type ObjectPlan } from './store-objects';
import { benchOwnership, type OwnershipPlan } from './store-ownership';
import { breakdownTable, mainTable, memoryTable, ownershipTable } from './store-report';
import { benchSecurity, type SecurityPlan } from './store-security';

interface Plan {
  readonly inline: InlinePlan;
  readonly objects: ObjectPlan;
  readonly breakdown: BreakdownPlan | undefined;
  readonly ownership: OwnershipPlan;
  readonly memoryBytes: number;
  /** Set by --security: that comparison runs alone. */
  readonly security: SecurityPlan | undefined;
}

const MIB = 1024 * 1024;

function planFor(args: readonly string[]): Plan {
  const known = new Set(['--quick', '--no-breakdown', '--security']);
  const unknown = args.filter((a) => !known.has(a));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (use --quick, --no-breakdown, --security)`);
  const quick = args.includes('--quick');
  return {
    // Warm-ups long enough for PGlite's wasm to reach steady state on both sides (a few hundred calls on a loaded
    // machine: a set's first calls run 1.5x slower than its steady state, a bare upsert's barely).
    inline: quick
      ? { warmup: 300, setIterations: 300, getIterations: 300, batchSize: 100, batches: 8 }
      : { warmup: 500, setIterations: 2000, getIterations: 2000, batchSize: 100, batches: 40 },
    objects: quick ? { smallRuns: 5, smallWarmup: 1, largeRuns: 1 } : { smallRuns: 20, smallWarmup: 3, largeRuns: 3 },
    breakdown: args.includes('--no-breakdown') ? undefined : quick ? { warmup: 20, iterations: 200 } : { warmup: 50, iterations: 600 },
    ownership: quick ? { warmup: 50, iterations: 400 } : { warmup: 100, iterations: 3000 },
    memoryBytes: 100 * MIB,
    security: !args.includes('--security')
      ? undefined
      : quick
        ? { inline: { warmup: 20, iterations: 300 }, batch: { warmup: 2, batches: 8, size: 100 }, objects: { warmup: 3, iterations: 20 } }
        : { inline: { warmup: 50, iterations: 2000 }, batch: { warmup: 5, batches: 40, size: 100 }, objects: { warmup: 5, iterations: 60 } },
  };
}

async function main(): Promise<void> {
  const plan = planFor(process.argv.slice(2));
  const started = Date.now();
  const step = (what: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
  step('starting services');
  const env = await openBenchEnv();
  try {
    for (const line of env.summary) step(line);
    const machine = [...(await describeMachine(env.databaseUrl)), sourceRevision()];
    if (plan.security) {
      const rows = await benchSecurity(env, plan.security, step);
      machine.push(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      process.stdout.write(securityReport(machine, rows, (Date.now() - started) / 1000));
      return;
    }
    const inline: InlineResult[] = [];
    for (const kind of ['postgres', 'pglite'] as const) {
      step(`inline values on ${kind}`);
      inline.push(await benchInline(kind, env, plan.inline));
    }
    // Latency-sensitive database work first: MinIO's writeback of hundreds of MiB slows Postgres' WAL flushes.
    step('the commits with task-instance ownership beside the per-key statement they replaced');
    const ownership = await benchOwnership(env, plan.ownership);
    let breakdown;
    if (plan.breakdown) {
      step('breakdown of one inline write');
      breakdown = await benchBreakdown(env, plan.breakdown);
    }
    step('objects through MinIO');
    const objects = await benchObjects(env, plan.objects);
    step('peak memory of a 100 MiB value (child processes)');
    const memory = await benchMemory(env, plan.memoryBytes);
    step('done');
    machine.push(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    process.stdout.write(report(machine, env, inline, objects, memory, breakdown, ownership, (Date.now() - started) / 1000));
  } finally {
    await env.close();
  }
}

function securityReport(machine: readonly string[], rows: Parameters<typeof targetTable>[0], seconds: number): string {
  return [
    `# bench:store --security (${process.argv.slice(2).join(' ')}, ${seconds.toFixed(0)} s)`,
    '',
    ...machine.map((line) => `- ${line}`),
    '',
    '## Signing, auditing of reads and encryption at rest: off (plain) vs on (secure), same run',
    '',
    'set = one attempt commit of the result, its ref built (secure: encrypted, one audited read committed with it, the',
    'ref signed); get = one read by an attempt (secure: through its recording view, object refs verified first, then',
    'decrypted); commit = a keyed batch, a ref built per entry (secure: encrypted, refs signed). Alternating blocks,',
    'warm-ups excluded; ratio = secure ÷ plain; `met` judges the p50 ratio. Both stores share one engine (one',
    'connection for calls made one after another). The control rows time a second plain store against the first:',
    'the same work on both sides, so their distance from 1× is what this bench can resolve.',
    '',
    targetTable(rows, { without: 'plain', with: 'secure' }),
    '',
  ].join('\n');
}

function report(
  machine: readonly string[],
  env: BenchEnv,
  inline: readonly InlineResult[],
  objects: Parameters<typeof mainTable>[1],
  memory: Parameters<typeof memoryTable>[0],
  breakdown: Parameters<typeof breakdownTable>[0] | undefined,
  ownership: Parameters<typeof ownershipTable>[0],
  seconds: number,
): string {
  const first = inline[0];
  const value = first ? `${first.valueBytes} bytes stored as \`${first.encoding}\`` : '';
  const parts = [
    `# bench:store (${process.argv.slice(2).join(' ') || 'full'} run, ${seconds.toFixed(0)} s)`,
    '',
    ...machine.map((line) => `- ${line}`),
    `- scratch database and MinIO prefix \`${env.s3.prefix}\`, removed at the end`,
    '',
    `## Store vs floor (inline value: ~1 KB JSON object, ${value})`,
    '',
    'ratio ops/s = ours ÷ floor throughput (below 1× is slower); ratio p50 = ours ÷ floor median latency (above 1× is slower).',
    'Sequential, one caller; ops/s is operations over the summed time of the timed calls. Ours and the floor run in',
    'alternating blocks so load drift hits both.',
    '',
    mainTable(inline, objects),
    '',
    '## Peak memory, 100 MiB random value (one child process per operation)',
    '',
    "RSS before: after a full GC, with the value to write already in memory. Peak: the kernel's RSS high-water mark",
    '(VmHWM), reset to the current RSS just before the call; `≤` marks an upper bound where it could not be reset.',
    '',
    memoryTable(memory),
    '',
  ];
  parts.push(
    '## The commit with task-instance ownership vs the per-key statement it replaced (Postgres server)',
    '',
    'One attempt through `commit_attempt` (what the store sends for an attempt committing alone), the same through',
    '`commit_attempts` (the statement of a group commit), and the per-key statement: all prepared with a generic plan',
    'on one connection, inline ~1 KB entries of a new task instance per call, alternating blocks; ratio = one attempt',
    '÷ per-key (above 1× is slower). Target: at most 1.10×.',
    '',
    ownershipTable(ownership),
    '',
  );
  if (breakdown) {
    parts.push('## Where one inline write spends its time', '', breakdownTable(breakdown), '');
  }
  return parts.join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
