import { Worker } from 'node:worker_threads';
import { SHA256_WORKER_SOURCE } from './sha256-worker-source';

/** What one hashing job hears back from the worker thread. */
export interface Sha256JobListener {
  /** A batch buffer the worker has hashed, transferred back for reuse. */
  onFree(buffer: ArrayBuffer): void;
  onDigest(hex: string): void;
  /** The worker thread failed or stopped: the job's hash is lost. */
  onFailure(error: Error): void;
}

type Reply = { job: number; kind: 'free'; buffer: ArrayBuffer } | { job: number; kind: 'digest'; hex: string };

/**
 * The one worker thread that hashes every large streamed read of this process. Started on first use (a thread costs
 * a start-up of some tens of ms, paid once), then kept: it holds the process open only while a job is open (ref'd
 * then, unref'd when idle), so an idle library never keeps a script from exiting. If it fails, its open jobs fail
 * and the next job starts a new one.
 */
class Sha256Worker {
  #worker: Worker | undefined;
  readonly #jobs = new Map<number, Sha256JobListener>();
  #lastJob = 0;

  open(listener: Sha256JobListener): number {
    const job = ++this.#lastJob;
    const worker = this.#started();
    this.#jobs.set(job, listener);
    if (this.#jobs.size === 1) worker.ref();
    return job;
  }

  post(message: { job: number; kind: 'update' | 'digest' | 'drop'; buffer?: ArrayBuffer; length?: number }): void {
    const transfer = message.buffer === undefined ? [] : [message.buffer];
    this.#started().postMessage(message, transfer);
  }

  /** Jobs opened and neither digested, dropped nor failed: 0 once every reader ended or stopped. */
  get openJobs(): number {
    return this.#jobs.size;
  }

  /** Stops the thread now (its open jobs fail); the next job starts a new one. */
  async stop(): Promise<void> {
    await this.#worker?.terminate();
  }

  close(job: number): void {
    if (!this.#jobs.delete(job)) return;
    if (this.#jobs.size === 0) this.#worker?.unref();
  }

  #started(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(SHA256_WORKER_SOURCE, { eval: true, name: 'temporal-xcom sha256' });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const listener = this.#jobs.get(reply.job);
      if (reply.kind === 'free') listener?.onFree(reply.buffer);
      else listener?.onDigest(reply.hex);
    });
    const fail = (reason: string) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      worker.terminate().catch(() => undefined); // a worker that lost a message is no longer trusted
      const jobs = [...this.#jobs.values()];
      this.#jobs.clear();
      const error = new Error(`the SHA-256 worker thread that verifies streamed reads ${reason}`);
      for (const listener of jobs) listener.onFailure(error);
    };
    worker.on('error', (err) => fail(`failed: ${err.message}`));
    worker.on('messageerror', (err) => fail(`could not read a message: ${err.message}`));
    worker.on('exit', (code) => fail(`exited (code ${code})`));
    this.#worker = worker;
    return worker;
  }
}

/** The process's SHA-256 worker, shared by every store and reader. */
export const sha256Worker = new Sha256Worker();
