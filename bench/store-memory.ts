import { join } from 'node:path';
import type { BenchEnv } from './lib/bench-env';
import { runBenchChild } from './lib/bench-child';
import type { MemoryMode, MemoryReport } from './store-memory-child';

const CHILD = join(__dirname, 'store-memory-child.ts');
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
  return runBenchChild<MemoryReport>(env, CHILD, [mode, String(sizeBytes), '0']);
}
