/**
 * `npm run bench:ui [-- --runs 5]`: the page's preview of a 100 MB value in the object store, in the `xcom ui`
 * process (the CLI from source) on the Postgres and MinIO that startServices provides: how long the preview's
 * request takes, and how much the process's peak RSS grows while serving it (VmHWM, reset before the request). The
 * floor does the same work without the page, in this process: select the row, GetObject with the same Range, and
 * decompress the same bytes. The full download (with --allow-download) shows what reading the whole value costs.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync, constants } from 'node:zlib';
import { Client } from 'pg';
import { openXComStore } from '../src/config/open-store';
import { startUiProcess } from '../test/ui/ui-process';
import { openBenchEnv, s3Client, type BenchEnv } from './lib/bench-env';
import { describeMachine } from './lib/machine';
import { benchStoreConfig } from './lib/service-env';
import { formatMs, markdownTable } from './lib/table';

const MIB = 1024 * 1024;
const VALUE_BYTES = 100 * MIB;
const TARGET_MS = 1000;
const TARGET_RSS = 20_000_000; // 20 MB

interface Case {
  readonly name: string;
  readonly compression: 'gzip' | 'none';
}
const CASES: readonly Case[] = [
  { name: '100 MiB JSON array, gzip', compression: 'gzip' },
  { name: '100 MiB JSON array, uncompressed', compression: 'none' },
];

interface Sample {
  /** The first preview in a fresh process, and the same preview again (warm). */
  readonly previewMs: number;
  readonly warmPreviewMs: number;
  readonly rssGrowth: number;
  readonly storedRead: number;
  /** The floor's first run (new S3 client), and again (warm). */
  readonly floorMs: number;
  readonly warmFloorMs: number;
}

/** Rows of about 90 bytes of JSON each, until the array's JSON is at least `bytes` long. */
function rows(bytes: number): unknown[] {
  const out: unknown[] = [];
  let length = 1;
  while (length < bytes) {
    const id = out.length;
    const row = { id, name: `customer ${id}`, email: `c${id}@example.com`, tags: ['a', 'b'] };
    length += JSON.stringify(row).length + 1;
    out.push(row);
  }
  return out;
}

const mb = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: readonly number[], f: (x: number) => string) => `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 3) throw new Error('--runs must be an integer >= 3 (a spread needs three runs)');
  const step = (what: string) => process.stderr.write(`[bench:ui] ${what}\n`);
  step('starting services');
  const env = await openBenchEnv();
  try {
    const machine = [...(await describeMachine(env.databaseUrl)), revision()];
    const table: string[][] = [];
    for (const c of CASES) {
      const { runId, storedBytes, sizeBytes, objectKey } = await writeValue(env, c, step);
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        step(`${c.name}: run ${i + 1}/${runs}`);
        samples.push(await previewOnce(env, c, runId, objectKey));
      }
      const download = await downloadOnce(env, c, runId, sizeBytes);
      const cold = samples.map((s) => s.previewMs);
      const warm = samples.map((s) => s.warmPreviewMs);
      const growth = samples.map((s) => s.rssGrowth);
      table.push([
        c.name,
        `${mb(sizeBytes)} / ${mb(storedBytes)}`,
        spread(cold, formatMs),
        spread(samples.map((s) => s.floorMs), formatMs),
        spread(warm, formatMs),
        spread(samples.map((s) => s.warmFloorMs), formatMs),
        `${(median(warm) / median(samples.map((s) => s.warmFloorMs))).toFixed(1)}×`,
        spread(growth, mb),
        `${(samples[0]!.storedRead / 1024).toFixed(0)} KiB`,
        `${formatMs(download.ms)}, +${mb(download.rssGrowth)}`,
        median(cold) < TARGET_MS && Math.max(...cold) < TARGET_MS && Math.max(...growth) < TARGET_RSS ? 'yes' : 'NO',
      ]);
    }
    const out = [
      `bench:ui, ${runs} runs per case (fresh \`xcom ui\` process each), ${new Date().toISOString()}`,
      ...machine,
      `load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      '',
      markdownTable(
        [
          'value',
          'serialized / stored',
          'first preview (median, min–max)',
          'floor, first',
          'preview again',
          'floor again',
          'again / floor',
          'peak RSS growth (first)',
          'stored read',
          'full download, RSS growth',
          'every run < 1 s and < 20 MB',
        ],
        table,
      ),
    ].join('\n');
    process.stdout.write(`${out}\n`);
    writeFileSync(join(env.tmpDir, 'result.md'), out);
  } finally {
    await env.close();
  }
}

async function writeValue(env: BenchEnv, c: Case, step: (s: string) => void) {
  const config = { ...benchStoreConfig({ databaseUrl: env.databaseUrl, s3: env.s3, storePrefix: `${env.s3.prefix}/store` }), compression: c.compression };
  const store = await openXComStore(config, { migrate: false });
  try {
    const runId = `preview-${c.compression}`;
    step(`${c.name}: writing the value`);
    await store.set({ dagId: 'bench_ui', runId, taskId: 'extract', key: 'return_value', value: rows(VALUE_BYTES), attempt: 1 });
    const meta = (await store.getMany({ dagId: 'bench_ui', runId }, { values: false }))[0]!;
    if (meta.objectKey === null) throw new Error('the value did not go to the object store');
    return { runId, storedBytes: meta.storedBytes, sizeBytes: meta.sizeBytes, objectKey: meta.objectKey };
  } finally {
    await store.close();
  }
}

function uiEnv(env: BenchEnv): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: env.databaseUrl,
    S3_ENDPOINT: env.s3.endpoint,
    S3_BUCKET: env.s3.bucket,
    S3_PREFIX: `${env.s3.prefix}/store`,
    S3_REGION: env.s3.region,
    S3_ACCESS_KEY_ID: env.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: env.s3.secretAccessKey,
  };
}

const valuePath = (runId: string) => `api/runs/bench_ui/${runId}/tasks/extract/-1/xcoms/return_value`;

/** One preview in a fresh `xcom ui` process, warmed by one page that opens the database and S3 connections. */
async function previewOnce(env: BenchEnv, c: Case, runId: string, objectKey: string): Promise<Sample> {
  const ui = await startUiProcess(uiEnv(env));
  try {
    const warm = await fetch(`${ui.url}api/runs/bench_ui/${runId}/tasks/extract/-1`);
    if (!warm.ok) throw new Error(`warm-up failed: ${warm.status} ${await warm.text()}`);
    writeFileSync(`/proc/${ui.pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
    const before = procStatus(ui.pid, 'VmRSS');
    const started = performance.now();
    const response = await fetch(`${ui.url}${valuePath(runId)}`);
    const doc = (await response.json()) as { preview: { storedBytesRead: number; previewBytes: number; type: string } };
    const previewMs = performance.now() - started;
    if (!response.ok || doc.preview.type !== 'array') throw new Error(`preview failed: ${JSON.stringify(doc).slice(0, 300)}`);
    const rssGrowth = procStatus(ui.pid, 'VmHWM') - before;
    const again = performance.now();
    await (await fetch(`${ui.url}${valuePath(runId)}`)).json();
    const warmPreviewMs = performance.now() - again;
    const [floorMs, warmFloorMs] = await floor(env, c, runId, objectKey, doc.preview.storedBytesRead);
    return { previewMs, warmPreviewMs, rssGrowth, storedRead: doc.preview.storedBytesRead, floorMs: floorMs!, warmFloorMs: warmFloorMs! };
  } finally {
    await ui.stop();
  }
}

/**
 * The same work without the page, twice on one new connection pair (the second warm): the row's select, a GetObject
 * of the same range, the same bytes decompressed.
 */
async function floor(env: BenchEnv, c: Case, runId: string, objectKey: string, storedRead: number): Promise<number[]> {
  const db = new Client({ connectionString: env.databaseUrl });
  const s3 = s3Client(env.s3);
  await db.connect();
  try {
    await db.query('select 1');
    const times: number[] = [];
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      await db.query(
        `select * from xcom.entries where dag_id = 'bench_ui' and run_id = $1 and task_id = 'extract' and map_index = -1 and key = 'return_value'`,
        [runId],
      );
      const Key = `${env.s3.prefix}/store/${objectKey}`;
      const response = await s3.send(new GetObjectCommand({ Bucket: env.s3.bucket, Key, Range: `bytes=0-${storedRead - 1}` }));
      const bytes = await response.Body!.transformToByteArray();
      if (c.compression === 'gzip') gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await db.end();
    s3.destroy();
  }
}

/** The whole value through `--allow-download`: time and peak RSS growth. */
async function downloadOnce(env: BenchEnv, c: Case, runId: string, sizeBytes: number): Promise<{ ms: number; rssGrowth: number }> {
  const ui = await startUiProcess(uiEnv(env), ['--allow-download']);
  try {
    await fetch(`${ui.url}api/runs/bench_ui/${runId}/tasks/extract/-1`);
    writeFileSync(`/proc/${ui.pid}/clear_refs`, '5');
    const before = procStatus(ui.pid, 'VmRSS');
    const started = performance.now();
    const response = await fetch(`${ui.url}${valuePath(runId)}/download`);
    const length = (await response.arrayBuffer()).byteLength;
    const ms = performance.now() - started;
    if (length !== sizeBytes) throw new Error(`${c.name}: the download has ${length} bytes, expected ${sizeBytes}`);
    return { ms, rssGrowth: procStatus(ui.pid, 'VmHWM') - before };
  } finally {
    await ui.stop();
  }
}

function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `source: ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/' : ''}`;
  } catch {
    return 'source: not a git checkout';
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`bench:ui failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
