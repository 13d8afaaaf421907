import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { StoreConfig } from '../../src/config/store-config';
import { requiredEnv } from './store-fixtures';

/** A worker running in a child process (see test/fixtures/worker-process.ts). */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit signal or code. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  readonly taskQueue: string;
  readonly store: StoreConfig;
  /** SIGKILL the process right after the first attempt of an activity of this type has committed. */
  readonly killAfterCommitType?: string;
  /** Which fixtures the worker serves: test/fixtures (default) or test/fixtures/<suite>. */
  readonly suite?: 'cross-dag' | 'masking' | 'exclusive';
  /** More environment for the script. */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const script = path.join(__dirname, '..', 'fixtures', 'worker-process.ts');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', script], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      TEMPORAL_ADDRESS: requiredEnv('TEMPORAL_ADDRESS'),
      XCOM_TEST_TASK_QUEUE: options.taskQueue,
      XCOM_TEST_STORE: JSON.stringify(options.store),
      ...(options.suite && { XCOM_TEST_SUITE: options.suite }),
      ...(options.killAfterCommitType && { XCOM_TEST_KILL_AFTER_COMMIT_TYPE: options.killAfterCommitType }),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process not ready after 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', () => output.includes('worker-ready') && (clearTimeout(timer), resolve()));
    void exited.then((how) => (clearTimeout(timer), reject(new Error(`worker process exited (${String(how)}) before it was ready:\n${output}`))));
  });
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
