import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { quoteSchema } from '../src/migrations/schema-name';
import type { XComStore } from '../src/store/xcom-store';
import { settleDeadWorker } from './attempt-registry';
import { EventTally } from './event-tally';
import { checkRun, type InstanceViolations } from './invariants';
import { checkObjects } from './object-invariants';
import type { HarnessKill, KillPoint, RunPlan } from './plan';
import type { ChaosStoreSettings } from './store-settings';
import type { ChaosWorkerConfig } from './worker';
import { WorkerSupervisor } from './worker-supervisor';
import type { chaosDag, ChaosRunResult } from './workflows';

/** What every run of an invocation shares. */
export interface RunEnv {
  readonly client: Client;
  /** The harness's own store on the same database and prefix: for the sweep and the checks. */
  readonly store: XComStore;
  readonly s3: S3Client;
  readonly settings: ChaosStoreSettings;
  readonly worker: Omit<ChaosWorkerConfig, 'taskQueue'>;
  /** Makes workflow ids and task queues unique to the invocation. */
  readonly nonce: string;
  /** Where each run's worker output goes (`run-<n>.log`). */
  readonly logDir: string;
  /** Worker processes per run, all polling the run's task queue. */
  readonly workers: number;
}

export interface Violations extends InstanceViolations {
  missingObjects: number;
  orphans: number;
  /** 1 when the workflow did not complete. */
  incomplete: number;
}

export interface RunReport {
  readonly index: number;
  readonly seed: number;
  readonly workflowId: string;
  /** Every line the run's workers printed. */
  readonly logFile: string;
  readonly seconds: number;
  readonly attempts: number;
  /** Attempts that failed rather than being killed: `instance attempt n: message`. */
  readonly failedAttempts: readonly string[];
  readonly harnessKills: number;
  readonly selfKills: ReadonlyMap<KillPoint, number>;
  readonly zombies: number;
  readonly lateCommits: number;
  readonly replacedCommits: number;
  readonly supersededKeys: number;
  /** Objects collected during the run: by the workers' background sweeper and by the sweep after the run. */
  readonly collectedObjects: number;
  /** Unfinished multipart uploads the sweep after the run aborted. */
  readonly abortedUploads: number;
  readonly violations: Violations;
  /** The object-store problems found after this run (they persist into later runs until something removes them). */
  readonly objectProblems: readonly string[];
  readonly details: readonly string[];
}

/** How long zombies get to commit after the workflow completed (they give up waiting after 60 s). */
const IDLE_TIMEOUT_MS = 120_000;

/**
 * One chaos run: worker processes (each restarted whenever it dies) run the chaos DAG while the harness SIGKILLs
 * them on the plan's schedule and attempts kill their worker or turn into zombies on theirs. Once the workflow is done and no attempt
 * can commit any more, the objects are swept and the invariants checked.
 */
export async function runOnce(env: RunEnv, plan: RunPlan): Promise<RunReport> {
  const started = performance.now();
  const tally = new EventTally();
  const taskQueue = `chaos-${env.nonce}-${plan.index}`;
  const workflowId = `chaos-${plan.seed}-${plan.index}-${env.nonce}`;
  const logFile = path.join(env.logDir, `run-${plan.index + 1}.log`);
  const onExit = (pid: number) => settleDeadWorker(env.store.engine, pid);
  const supervisors = Array.from(
    { length: env.workers },
    () => new WorkerSupervisor({ ...env.worker, taskQueue }, (event) => tally.record(event), onExit, logFile),
  );
  const details: string[] = [];
  const collectedBefore = await collectedObjects(env.store);
  let received: ChaosRunResult | undefined;
  let harnessKills = 0;
  await Promise.all(supervisors.map((s) => s.start()));
  try {
    const handle = await env.client.workflow.start<typeof chaosDag>('chaosDag', {
      taskQueue,
      workflowId,
      args: [{ attempts: plan.attempts }],
      workflowTaskTimeout: '5 seconds',
      workflowExecutionTimeout: '10 minutes',
    });
    const finished = handle.result().then(
      (result) => void (received = result),
      (err: unknown) => void details.push(`incomplete: the workflow failed: ${(err as Error).message}`),
    );
    harnessKills = await killOnSchedule(supervisors, plan.harnessKills, finished, (worker) =>
      note(logFile, `harness: SIGKILL worker ${worker + 1}`),
    );
    await finished;
    note(logFile, received ? `harness: workflow completed ${JSON.stringify(received)}` : `harness: ${details.join('; ')}`);
  } finally {
    const idle = await Promise.all(supervisors.map((s) => s.stop(IDLE_TIMEOUT_MS)));
    if (idle.includes(false)) details.push('note: attempts still running at the end were killed');
  }
  // A statement a killed worker sent may still run in Postgres; nothing else may write once it has finished.
  await untilDatabaseQuiet(env.store);
  const sweep = await env.store.sweepObjects({ graceMs: 0 });
  const run = await checkRun(env.store, workflowId, received);
  const objects = await checkObjects(env.store, env.s3, env.settings.s3.bucket, env.settings.prefix);
  const wrongInputs = tally.badInputs.map((line) => `wrong: ${line}`);
  return {
    index: plan.index,
    seed: plan.seed,
    workflowId,
    logFile,
    seconds: (performance.now() - started) / 1000,
    attempts: tally.attempts,
    failedAttempts: tally.failures,
    harnessKills,
    selfKills: tally.selfKills,
    zombies: tally.zombies,
    ...run.ledger,
    collectedObjects: (await collectedObjects(env.store)) - collectedBefore,
    abortedUploads: sweep.abandonedUploads,
    violations: {
      ...run.violations,
      wrong: run.violations.wrong + wrongInputs.length,
      missingObjects: objects.missingObjects,
      orphans: objects.orphans,
      incomplete: received === undefined ? 1 : 0,
    },
    objectProblems: objects.details,
    details: [
      ...details,
      ...(received === undefined ? tally.failures.slice(-20).map((f) => `note: attempt failed: ${f}`) : []),
      ...run.details,
      ...wrongInputs,
      ...objects.details,
    ],
  };
}

/** SIGKILLs a worker after each delay (measured from the previous kill) until the run finishes. */
async function killOnSchedule(
  supervisors: readonly WorkerSupervisor[],
  kills: readonly HarnessKill[],
  finished: Promise<void>,
  onKill: (worker: number) => void,
): Promise<number> {
  let killed = 0;
  const done = new AbortController();
  void finished.then(() => done.abort());
  for (const { delayMs, worker } of kills) {
    // A random instant, on purpose: these kills land wherever the run happens to be.
    const ended = await sleep(delayMs, false, { signal: done.signal }).catch(() => true);
    if (ended) break;
    onKill(worker);
    await supervisors[worker % supervisors.length]!.kill();
    killed++;
  }
  done.abort();
  return killed;
}

/** How many objects the sweepers have collected so far (their own record, `collected_objects`). */
async function collectedObjects(store: XComStore): Promise<number> {
  const [row] = await store.engine.query<{ n: number }>(`select count(*)::int as n from ${quoteSchema(store.schema)}.collected_objects`);
  return row?.n ?? 0;
}

function note(logFile: string, line: string): void {
  appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
}

/** Waits until no other session of the store's database is running a statement or holding a transaction open. */
async function untilDatabaseQuiet(store: XComStore): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const [row] = await store.engine.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
          and state is distinct from 'idle'`,
    );
    if (row?.n === 0) return;
    await sleep(100);
  }
  throw new Error('the chaos database never went quiet (a statement of a killed worker still running?)');
}
