import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseEvent, type WorkerEvent } from './events';
import type { ChaosWorkerConfig } from './worker';
import { CHAOS_DAG_ID } from './dag-shape';

/** One chaos worker process (chaos/worker.ts), seen from the harness. */
/** What the chaos workers' workflows may write besides their own workflow type. */
const CHAOS_ACCESS_POLICY = { rules: [{ name: 'chaos runs', workflowTypes: ['chaosDag'], write: [CHAOS_DAG_ID] }] };

export interface ChaosWorkerProcess {
  readonly pid: number | undefined;
  /** Resolves with the exit signal or code. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Resolves true once no chaos attempt is in flight in this process (or it exited), false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (the worker drains), SIGKILL if it has not exited after 15 s. */
  stop(): Promise<void>;
  /** The last lines it printed that were not events, for error messages. */
  tail(): string;
}

const READY_TIMEOUT_MS = 120_000;
const TAIL_LINES = 40;

/**
 * Starts the worker and resolves once it is polling; every event it prints goes to `onEvent`, and every line it
 * prints to `logFile` (appended, with the time and its pid) when given.
 */
export async function startChaosWorker(
  config: ChaosWorkerConfig,
  onEvent: (event: WorkerEvent) => void,
  logFile?: string,
): Promise<ChaosWorkerProcess> {
  const root = path.join(__dirname, '..');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'worker.ts')], {
    cwd: root,
    // NODE_OPTIONS cleared: jest's --experimental-vm-modules is not for this process.
    // chaosDag names its DAG 'chaos' with setDagRun: the worker's access policy must grant that write.
    env: { ...process.env, NODE_OPTIONS: '', CHAOS_WORKER: JSON.stringify(config), XCOM_ACCESS_POLICY: JSON.stringify(CHAOS_ACCESS_POLICY) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  // Synchronous appends: lines stay in order across the run's worker processes, and a few hundred per run are cheap.
  const log = (line: string) => logFile && appendFileSync(logFile, `${new Date().toISOString()} ${child.pid} ${line}\n`);
  log('spawned');
  const keep = (line: string) => {
    log(line);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  let inflight = 0;
  let onChange = () => {};
  let ready = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = parseEvent(line);
    if (!event) return keep(line);
    log(line);
    if (event.e === 'ready') ready();
    if (event.e === 'start' || event.e === 'end') inflight = event.inflight;
    onEvent(event);
    onChange();
  });
  createInterface({ input: child.stderr }).on('line', keep);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      log(`exited ${signal ?? code}`);
      resolve(signal ?? code);
    }),
  );
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      isReady,
      exited.then((how) => Promise.reject(new Error(`chaos worker exited (${String(how)}) before it was ready`))),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('chaos worker not ready after 120 s')), READY_TIMEOUT_MS))),
    ]);
  } catch (err) {
    if (!gone()) child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}:\n${tail.join('\n')}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }

  return {
    pid: child.pid,
    exited,
    idle(timeoutMs) {
      return new Promise((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(deadline);
          onChange = () => {};
          resolve(value);
        };
        const deadline = setTimeout(() => done(false), timeoutMs);
        onChange = () => inflight === 0 && done(true);
        void exited.then(() => done(true));
        onChange();
      });
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!gone()) child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
    tail: () => tail.join('\n'),
  };
}
