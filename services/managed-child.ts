import { spawn, type ChildProcess } from 'node:child_process';
import { OutputTail } from './output-tail';

const STOP_GRACE_MS = 5_000;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A long-running service process: its output tail (for errors), a promise of its exit, a graceful async stop and
 * a synchronous kill for process 'exit' handlers, where nothing async can run.
 */
export class ManagedChild {
  readonly exited: Promise<ChildExit>;
  private readonly child: ChildProcess;
  private readonly tail = new OutputTail();
  private exit: ChildExit | undefined;
  private spawnError: Error | undefined;

  constructor(
    /** Names the service in errors, for example "temporal dev server". */
    readonly label: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Drain both pipes for the child's whole life: a full pipe would block the service.
    this.child.stdout?.on('data', (chunk: Buffer) => this.tail.push(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.tail.push(chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.spawnError = error;
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Last output lines; shown when the service dies or never becomes ready. */
  outputTail(lines = 20): string {
    return this.tail.lastLines(lines);
  }

  /** An error saying the service exited early, with how it exited and its last output. */
  exitedError(context: string): Error {
    const exit = this.exit;
    const how = this.spawnError
      ? `could not be started: ${this.spawnError.message}`
      : exit === undefined
        ? 'is still running'
        : `exited with ${exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`}`;
    return new Error(`${this.label} (pid ${this.pid ?? '?'}) ${how} ${context}. Last output:\n${this.outputTail()}`, {
      cause: this.spawnError,
    });
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, STOP_GRACE_MS);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    await this.exited;
  }

  /** For process 'exit' handlers: no waiting, so no grace period either. */
  killSync(): void {
    if (!this.hasExited) this.child.kill('SIGKILL');
  }
}

/** Child env without variables that would make a service act on someone else's configuration. */
export function envWithout(prefix: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith(prefix)) env[key] = value;
  return { ...env, ...extra };
}
