import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { s3ClientFor } from '../services/s3-bucket';
import { openXComStore } from '../src/config/open-store';
import { XComPlugin } from '../src/plugin';
import { ATTEMPTS_DDL } from './attempt-registry';
import { runOnce, type RunReport } from './chaos-run';
import { CHAOS_HISTORY_THRESHOLD_BYTES } from './dag-shape';
import { planRun, type ChaosRates } from './plan';
import { chaosStoreConfig, type ChaosStoreSettings } from './store-settings';

export interface ChaosOptions {
  readonly runs: number;
  /** Worker processes per run, polling one task queue: a zombie in one and its retry in another, sweepers racing. */
  readonly workers: number;
  /** Plans and kill schedules derive from it: the same seed replays the same chaos (timing aside). */
  readonly seed: number;
  readonly rates: ChaosRates;
  readonly temporalAddress: string;
  /** A database of its own (migrated here) and a key prefix of its own. */
  readonly settings: ChaosStoreSettings;
  /** The workers' background object sweeper: it races the writers with a short grace period. */
  readonly sweep: { readonly intervalMs: number; readonly graceMs: number };
  /** An existing directory for each run's log (`run-<n>.log`: the harness's actions and every line its workers print). */
  readonly logDir: string;
  /** Called after each run. */
  readonly onRun?: (report: RunReport) => void;
}

const QUIET_BUNDLER = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** Runs the chaos DAG `runs` times, one run after another, and returns each run's report. */
export async function runChaos(options: ChaosOptions): Promise<RunReport[]> {
  const plugin = new XComPlugin({ delivery: false, objectSweep: false, historyThresholdBytes: CHAOS_HISTORY_THRESHOLD_BYTES });
  const dir = await mkdtemp(path.join(tmpdir(), 'xcom-chaos-'));
  try {
    // Bundled once: every worker restart loads it instead of bundling for seconds.
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), plugins: [plugin], logger: QUIET_BUNDLER });
    const bundlePath = path.join(dir, 'workflows.js');
    await writeFile(bundlePath, bundle.code);

    const store = await openXComStore(chaosStoreConfig(options.settings));
    await store.engine.exec(ATTEMPTS_DDL);
    const connection = await Connection.connect({ address: options.temporalAddress });
    const s3 = s3ClientFor(options.settings.s3);
    try {
      const env = {
        client: new Client({ connection, plugins: [plugin] }),
        store,
        s3,
        settings: options.settings,
        worker: { temporalAddress: options.temporalAddress, bundlePath, store: options.settings, sweep: options.sweep },
        nonce: randomBytes(3).toString('hex'),
        logDir: options.logDir,
        workers: options.workers,
      };
      const reports: RunReport[] = [];
      for (let index = 0; index < options.runs; index++) {
        const report = await runOnce(env, planRun(options.seed, index, options.rates, options.workers));
        options.onRun?.(report);
        reports.push(report);
      }
      return reports;
    } finally {
      s3.destroy();
      await connection.close();
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
