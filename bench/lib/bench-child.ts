import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { BenchEnv } from './bench-env';

const ROOT = resolve(__dirname, '..', '..');

/**
 * Runs one measurement in a fresh Node process (`--expose-gc`, TypeScript through tsx) with the bench's database and
 * S3 settings in its environment (BENCH_DATABASE_URL, BENCH_S3), and returns what it printed as `RESULT <json>`.
 */
export function runBenchChild<T>(env: BenchEnv, script: string, args: readonly string[]): Promise<T> {
  const child = spawn(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', script, ...args], {
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
      if (code === 0 && line) return done(JSON.parse(line.slice('RESULT '.length)) as T);
      fail(new Error(`bench child ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr.slice(-4000)}`));
    });
  });
}
