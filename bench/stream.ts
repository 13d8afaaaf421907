/**
 * `npm run bench:stream [-- --gib 1 --runs 3]`: a value streamed through the store against the bare S3 calls doing
 * the same transfer (issue 13): a streamed `set` (hashed and counted on the way, then committed) against a multipart
 * `Upload` of the same stream with the same part size and queue; a streamed `getStream` (hashed and verified at the
 * end) against a `GetObject` body read to its end; and a stream past the cap (half the value), timed from the chunk
 * that passed it to the refusal. Each operation runs in a fresh child process, which reports its RSS growth.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { openBenchEnv, type BenchEnv } from './lib/bench-env';
import { runBenchChild } from './lib/bench-child';
import { describeMachine } from './lib/machine';
import { sourceRevision } from './lib/source-revision';
import { formatMs, markdownTable } from './lib/table';
import type { StreamMode, StreamReport } from './stream-child';

const CHILD = join(__dirname, 'stream-child.ts');
const MIB = 1024 * 1024;
const TARGETS = { set: 1.15, get: 1.1, rssMiB: 64, capMs: 1000 };

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} takes a positive number`);
  return value;
}

async function main(): Promise<void> {
  const size = Math.round(argValue('--gib', 1) * 1024) * MIB;
  const runs = argValue('--runs', 3);
  const step = (what: string) => process.stderr.write(`[bench:stream] ${what}\n`);
  step('starting services');
  const env = await openBenchEnv();
  try {
    const machine = await describeMachine(env.databaseUrl);
    const rows: string[][] = [];
    for (let run = 1; run <= runs; run++) {
      // Alternate who goes first, so neither side always meets a warmer MinIO.
      const order: StreamMode[][] = run % 2 ? [['ours-set', 'bare-set'], ['ours-get', 'bare-get']] : [['bare-set', 'ours-set'], ['bare-get', 'ours-get']];
      const got = new Map<StreamMode, StreamReport>();
      for (const pair of order) for (const mode of pair) got.set(mode, (step(`run ${run}: ${mode}`), await runChild(env, mode, size, run)));
      step(`run ${run}: ours-cap`);
      const cap = await runChild(env, 'ours-cap', size, -run);
      const r = (mode: StreamMode) => got.get(mode)!;
      const mib = (report: StreamReport) => (report.rssGrowthBytes / MIB).toFixed(1);
      rows.push([
        String(run),
        `${formatMs(r('ours-set').ms)} / ${formatMs(r('bare-set').ms)}`,
        `${(r('ours-set').ms / r('bare-set').ms).toFixed(2)}×`,
        `${mib(r('ours-set'))} / ${mib(r('bare-set'))}`,
        `${formatMs(r('ours-get').ms)} / ${formatMs(r('bare-get').ms)}`,
        `${(r('ours-get').ms / r('bare-get').ms).toFixed(2)}×`,
        `${mib(r('ours-get'))} / ${mib(r('bare-get'))}`,
        `${formatMs(cap.refusedAfterMs ?? NaN)} (${mib(cap)} MiB)`,
        loadavg()[0]!.toFixed(1),
      ]);
    }
    const out = [
      `## bench:stream: ${size / MIB} MiB streamed through the store vs bare S3, ${runs} runs`,
      '',
      ...machine.map((line) => `- ${line}`),
      `- ${sourceRevision()}`,
      `- targets: set ≤ ${TARGETS.set}×, get ≤ ${TARGETS.get}×, extra RSS ≤ ${TARGETS.rssMiB} MiB, refused ≤ ${TARGETS.capMs} ms after the cap`,
      '',
      markdownTable(
        ['run', 'set ours / bare', 'set ratio', 'set RSS MiB ours / bare', 'get ours / bare', 'get ratio', 'get RSS MiB ours / bare', 'over the cap: refused after', 'load (1 min)'],
        rows,
      ),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await env.close();
  }
}

function runChild(env: BenchEnv, mode: StreamMode, sizeBytes: number, run: number): Promise<StreamReport> {
  return runBenchChild<StreamReport>(env, CHILD, [mode, String(sizeBytes), String(run)]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
