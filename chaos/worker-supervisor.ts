import type { WorkerEvent } from './events';
import type { ChaosWorkerConfig } from './worker';
import { startChaosWorker, type ChaosWorkerProcess } from './worker-process';

/** Consecutive failed starts before supervision gives up: a worker that cannot start is a broken setup, not chaos. */
const MAX_FAILED_STARTS = 3;

/**
 * Keeps one worker process of a run running: whenever it dies (killed by the harness, or by itself at a kill point),
 * starts the next one. `stop` waits until no attempt is in flight (zombies have committed), then stops it.
 */
export class WorkerSupervisor {
  #current: ChaosWorkerProcess | undefined;
  readonly #listeners = new Set<() => void>();
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly config: ChaosWorkerConfig,
    private readonly onEvent: (event: WorkerEvent) => void,
    /** Called (and awaited) when a worker process has exited, before the next one starts. */
    private readonly onExit: (pid: number) => Promise<void>,
    private readonly logFile?: string,
  ) {}

  /** Resolves once the first worker is polling. */
  async start(): Promise<void> {
    this.#loop = this.#supervise();
    await this.#running();
  }

  /** SIGKILLs the running worker (waiting for one to be up first); the supervisor starts the next. */
  async kill(): Promise<void> {
    const worker = await this.#running();
    await worker?.kill();
  }

  /**
   * Waits up to `idleTimeoutMs` for the running worker to have no attempt in flight, then stops it and the
   * supervision. Resolves true when it went idle; false when attempts were still running (killed with it).
   */
  async stop(idleTimeoutMs: number): Promise<boolean> {
    this.#stopping = true;
    const worker = await this.#running();
    const idle = worker ? await worker.idle(idleTimeoutMs) : true;
    await worker?.stop();
    await this.#loop;
    return idle;
  }

  async #supervise(): Promise<void> {
    let failedStarts = 0;
    while (!this.#stopping) {
      let worker: ChaosWorkerProcess;
      try {
        worker = await startChaosWorker(this.config, this.onEvent, this.logFile);
      } catch (err) {
        if (++failedStarts >= MAX_FAILED_STARTS) throw err;
        continue;
      }
      failedStarts = 0;
      this.#setCurrent(worker);
      await worker.exited;
      this.#setCurrent(undefined);
      if (worker.pid !== undefined) await this.onExit(worker.pid);
    }
    this.#changed();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #setCurrent(worker: ChaosWorkerProcess | undefined): void {
    this.#current = worker;
    this.#changed();
  }

  /** The running worker, waiting while the next one starts; undefined once supervision has ended. */
  async #running(): Promise<ChaosWorkerProcess | undefined> {
    const loop = this.#loop;
    while (!this.#current) {
      let listener = () => {};
      const changed = new Promise<boolean>((resolve) => this.#listeners.add((listener = () => resolve(false))));
      // A failed supervision loop (the worker cannot start) rejects here.
      const ended = await Promise.race([changed, (loop ?? Promise.resolve()).then(() => true)]).finally(() =>
        this.#listeners.delete(listener),
      );
      if (ended && !this.#current) return undefined;
    }
    return this.#current;
  }
}
