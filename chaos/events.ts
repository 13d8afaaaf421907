import type { KillPoint, ZombieMode } from './plan';

/**
 * What the chaos worker tells the harness, one line on stdout each. Writes to a pipe are synchronous in Node on
 * Linux, so a line written before a SIGKILL always arrives.
 */
export type WorkerEvent =
  | { readonly e: 'ready' }
  /** An attempt of a chaos task started (`inflight` counts attempts not yet settled in this process). */
  | { readonly e: 'start'; readonly instance: string; readonly attempt: number; readonly inflight: number }
  /** An attempt settled: its commit returned (`committed`), or it failed before or in it (`error`). */
  | {
      readonly e: 'end';
      readonly instance: string;
      readonly attempt: number;
      readonly committed: boolean;
      readonly inflight: number;
      readonly error?: string;
    }
  | { readonly e: 'kill'; readonly instance: string; readonly attempt: number; readonly point: KillPoint }
  /** A zombie stopped waiting: `waited` says whether what it waited for happened (false: it gave up). */
  | { readonly e: 'zombie'; readonly instance: string; readonly attempt: number; readonly mode: ZombieMode; readonly waited: boolean }
  /** A task received an upstream value that is not what its writer wrote. */
  | { readonly e: 'bad-input'; readonly instance: string; readonly attempt: number; readonly detail: string };

const PREFIX = '@chaos ';

export function emit(event: WorkerEvent): void {
  process.stdout.write(`${PREFIX}${JSON.stringify(event)}\n`);
}

/** The event on a line of the worker's stdout, or undefined for any other output. */
export function parseEvent(line: string): WorkerEvent | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  try {
    return JSON.parse(line.slice(PREFIX.length)) as WorkerEvent;
  } catch {
    return undefined;
  }
}
