import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { BenchEnv } from './lib/bench-env';
import type { MemoryMode, MemoryReport } from './store-memory-child';

const CHILD = join(__dirname, 'store-memory-child.ts');
const ROOT = resolve(__dirname, '..');
const ORDER: readonly MemoryMode[] = ['ours-set', 'ours-get', 'bare-set', 'bare-get'];

/**
 * Peak RSS of one set and one get of a `sizeBytes` value, each in a fresh child process, for the store and for the
 * bare S3 client. Each get reads what the set before it wrote.
 */
export async function benchMemory(env: BenchEnv, sizeBytes: number): Promise<MemoryReport[]> {
  const reports: MemoryReport[] = [];
  for (const mode of ORDER) reports.push(await runChild(env, mode, sizeBytes));
  return reports;
}

function runChild(env: BenchEnv, mode: MemoryMode, sizeBytes: number): Promise<MemoryReport> {
  const args = ['--expose-gc', '--require', 'tsx/cjs', CHILD, mode, String(sizeBytes), '0'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, BENCH_DATABASE_URL: env.databaseUrl, BENCH_S3: JSON.stringify(env.s3) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) return done(JSON.parse(line.slice('RESULT '.length)) as MemoryReport);
      fail(new Error(`memory child ${mode} failed (${signal ?? `exit ${code}`}):\n${stderr.slice(-4000)}`));
    });
  });
}
