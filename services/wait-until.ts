import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Returns an error to stop waiting at once, for example when the service process has died. */
  abortIf?: () => Error | undefined;
}

/** Retries `attempt` until it resolves; the timeout error carries the last attempt's failure. */
export async function waitUntil<T>(what: string, attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const abort = options.abortIf?.();
    if (abort) throw abort;
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${what}: not ready after ${options.timeoutMs / 1000} s (last error: ${reason})`, {
        cause: lastError,
      });
    }
    await sleep(options.intervalMs);
  }
}
