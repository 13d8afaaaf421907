import { SimplePlugin } from '@temporalio/plugin';
import { Runtime, type BundleOptions, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createCleanupActivities } from './worker/activities/xcom-cleanup-activities';
import { createXComActivities } from './worker/activities/xcom-activities';
import { setXComLogger } from './log/xcom-log';
import { XComActivityInboundInterceptor } from './worker/activity-interceptor';
import { withNodeEntryCheck } from './worker/node-entry-check';
import { withRecordScope } from './worker/record-scope-define';
import { runWithObjectSweeps } from './worker/object-sweep-loop';
import { runWithOutboxDelivery } from './worker/outbox-delivery';
import { XComRuntime, type XComRuntimeOptions } from './worker/runtime';

export type XComPluginOptions = XComRuntimeOptions;

/**
 * Airflow's XCom for Temporal. Use the same instance on the Worker and on `bundleWorkflowCode` (the record scope is
 * baked into the bundle): `plugins: [xcom]`. On a worker it records the results of the activities of workflows that
 * opt in (or are listed, or all with `recordAll`) as XComs, gives them `xcom.push` and `xcom.pull`, registers the
 * activities workflow-side pulls use, and stamps task identity on the activities recorded workflows schedule.
 * While a worker runs it also delivers the outbox (signals to workflows waiting for other DAGs' XComs) and sweeps
 * objects no entry references.
 */
export class XComPlugin extends SimplePlugin {
  readonly runtime: XComRuntime;

  constructor(options: XComPluginOptions = {}) {
    const runtime = new XComRuntime(options);
    super({
      name: 'temporal-xcom',
      activities: { ...createXComActivities(runtime), ...createCleanupActivities(runtime) },
      workerInterceptors: {
        workflowModules: [require.resolve('./workflow/interceptors')],
        activity: [(context) => ({ inbound: new XComActivityInboundInterceptor(context, runtime) })],
      },
      runContext: (next) => runtime.whileWorkerRuns(next),
    });
    this.runtime = runtime;
  }

  override configureWorker(options: WorkerOptions): WorkerOptions {
    // The library's own messages (the store it opened, degraded modes, lost connections) go to Temporal's logger.
    setXComLogger(Runtime.instance().logger);
    // With Temporal's External Storage configured too, refs must take over before it would: a value is then
    // stored once (as an XCom) and never again as an external payload. Temporal measures its own encoding of the
    // value, which can differ a little from ours, hence the margin.
    const external = options.dataConverter?.externalStorage?.payloadSizeThreshold;
    if (external !== undefined) {
      this.runtime.historyThresholdBytes = Math.min(this.runtime.historyThresholdBytes, Math.floor(external * 0.75));
    }
    return super.configureWorker(options);
  }

  override configureBundler(options: BundleOptions): BundleOptions {
    return withRecordScope(withNodeEntryCheck(super.configureBundler(options)), this.runtime.recordScope);
  }

  override runWorker(worker: Worker, next: (w: Worker) => Promise<void>): Promise<void> {
    // Inside runContext, so the loop stops before the store closes.
    return super.runWorker(worker, (w) =>
      runWithOutboxDelivery(this.runtime, w, () => runWithObjectSweeps(this.runtime, () => next(w))),
    );
  }

  /** The store the plugin's workers use (opened on first call). */
  store() {
    return this.runtime.store();
  }
}
