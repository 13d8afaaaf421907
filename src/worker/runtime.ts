import type { Headers } from '@temporalio/common';
import { openXComStore } from '../config/open-store';
import { describeStore } from '../config/describe-store';
import { storeConfigFromEnv, type StoreConfig } from '../config/store-config';
import { xcomLog } from '../log/xcom-log';
import type { DagDefinition } from '../dag/define-dag';
import type { XComBackend } from '../store/backend';
import type { DeliveryOptions } from '../subscriptions/delivery-loop';
import type { ObjectSweepOptions } from './object-sweep-loop';
import { XComConfigError } from '../errors';
import { TASK_HEADER } from '../common/task-header';
import type { RecordScope } from '../common/record-scope';
import { configuredSecurity, openWorkerSecurity, type SecurityOptions } from '../security/open-worker-security';
import type { AccessPolicy } from '../security/access-policy';
import type { SigningKeys } from '../security/signing-key';
import type { WorkerSecurity } from '../security/worker-security';
import { knownDag, registerDags } from './known-dags';
import type { MapFunctions } from './resolve-items';

/**
 * Results whose serialized size reaches this go to the workflow as an `XComRef`: Temporal's payload limit (2 MiB
 * by default), so a recorded workflow gets every value Temporal itself would deliver unchanged. The DAG runner and
 * `withTask({ returnRef: true })` ask for refs whatever the size.
 */
export const DEFAULT_HISTORY_THRESHOLD_BYTES = 2 * 1024 * 1024;

export interface XComRuntimeOptions extends SecurityOptions {
  /**
   * Where XComs live: a backend you built (you close it), a configuration, or nothing to read the environment
   * (`DATABASE_URL`, `S3_*`, `XCOM_*`; embedded PGlite in ./.xcom when unset). The plugin opens a configured store
   * once per process and closes it when the last worker using it stops.
   */
  readonly store?: XComBackend | StoreConfig;
  /** @default 2097152 (2 MiB, Temporal's payload limit) */
  readonly historyThresholdBytes?: number;
  /**
   * Workflow types whose activities are recorded from the workflow's start. Other workflows are recorded once they
   * call the XCom workflow API (`runDag`, `setDagRun`, `withTask`, `pull`, `resolve`, `waitForXCom`); the rest
   * run exactly as without the plugin. Baked into the workflow bundle: give the plugin to `bundleWorkflowCode` too.
   */
  readonly recordWorkflowTypes?: readonly string[];
  /**
   * Record every workflow's activities, and activities scheduled without the XCom task header (by workflows
   * bundled without the plugin) under the workflow type and id. @default false
   */
  readonly recordAll?: boolean;
  /** Apply pending migrations when the store opens. @default true */
  readonly migrate?: boolean;
  /** Serve an embedded store over the Postgres wire protocol so the CLI and other processes can read it. @default true */
  readonly shareEmbedded?: boolean;
  /**
   * DAGs whose `.map(fn)` functions tasks on this worker apply to their items, and which `xcom.triggerDagRun({ dagId })`
   * can start (with the workflow type and task queue their definitions name).
   */
  readonly dags?: readonly DagDefinition[];
  /** Task queue for runs `xcom.triggerDagRun({ dagId })` starts when the DAG's definition names none. @default the triggering task's queue */
  readonly triggerTaskQueue?: string;
  /**
   * The outbox delivery loop each running worker starts: it signals workflows waiting (`waitForXCom`) for XComs
   * committed anywhere. `false` runs no loop on this worker (another worker of the namespace must run one).
   */
  readonly delivery?: false | DeliveryOptions;
  /**
   * The object sweeper each running worker starts (one sweep at a time across workers): removes objects no entry
   * references, stored objects without a row, and abandoned uploads. `false` runs none on this worker.
   */
  readonly objectSweep?: false | ObjectSweepOptions;
}

/** The plugin's per-process state: one store, opened on first use and closed after the last worker stops. */
export class XComRuntime {
  historyThresholdBytes: number;
  #store: Promise<XComBackend> | undefined;
  #security: Promise<WorkerSecurity> | undefined;
  readonly #configuredSecurity: { keys?: SigningKeys; policy: AccessPolicy };
  #workers = 0;

  readonly mapFunctions: MapFunctions;
  readonly recordScope: RecordScope;

  constructor(readonly options: XComRuntimeOptions) {
    this.historyThresholdBytes = options.historyThresholdBytes ?? DEFAULT_HISTORY_THRESHOLD_BYTES;
    this.recordScope = recordScopeOf(options);
    const byDag = new Map((options.dags ?? []).map((dag) => [dag.dagId, dag.spec.mapFunctions]));
    registerDags(options.dags ?? [], options.triggerTaskQueue);
    this.#configuredSecurity = configuredSecurity(options);
    this.mapFunctions = { get: (dagId, fnId) => byDag.get(dagId)?.get(fnId) };
  }

  /** An activity is an XCom task when its workflow opted in (it sent the task header), or with `recordAll`. */
  records(headers: Headers): boolean {
    return headers[TASK_HEADER] !== undefined || this.recordScope.all;
  }

  get ownsStore(): boolean {
    return this.options.store === undefined || !isBackend(this.options.store);
  }

  store(): Promise<XComBackend> {
    if (!this.#store) {
      const given = this.options.store;
      this.#store = isBackend(given) ? Promise.resolve(given) : this.#open(given ?? storeConfigFromEnv());
      // A failed open is retried on next use rather than cached forever.
      this.#store.catch(() => (this.#store = undefined));
    }
    return this.#store;
  }

  /** Ref signing and the access policy, once the store (which may hold the signing key) is open. */
  security(): Promise<WorkerSecurity> {
    if (!this.#security) {
      this.#security = this.store().then((store) =>
        openWorkerSecurity(this.#configuredSecurity, store, (dagId) => {
          const known = knownDag(dagId);
          return known && { workflowType: known.dag.options.workflowType };
        }),
      );
      this.#security.catch(() => (this.#security = undefined));
    }
    return this.#security;
  }

  /** Opens a configured store and says, once, where it keeps things and what is degraded. */
  async #open(config: StoreConfig): Promise<XComBackend> {
    const store = await openXComStore(config, {
      migrate: this.options.migrate ?? true,
      shareEmbedded: this.options.shareEmbedded ?? true,
    });
    const { summary, degraded } = describeStore(config);
    xcomLog().info(`${summary}; engine ${store.engine.description}`);
    if (degraded) xcomLog().warn(degraded);
    return store;
  }

  /** Wraps a worker's run: the store stays open while any worker of this plugin runs. */
  async whileWorkerRuns(run: () => Promise<void>): Promise<void> {
    this.#workers += 1;
    try {
      await run();
    } finally {
      this.#workers -= 1;
      if (this.#workers === 0) await this.close();
    }
  }

  async close(): Promise<void> {
    const store = this.#store;
    this.#store = undefined;
    this.#security = undefined;
    if (store && this.ownsStore) await (await store.catch(() => undefined))?.close();
  }
}

function recordScopeOf(options: XComRuntimeOptions): RecordScope {
  const given: unknown = options.recordWorkflowTypes ?? [];
  const types = Array.isArray(given) ? (given as unknown[]) : undefined;
  if (!types || types.some((t) => typeof t !== 'string' || t === '')) {
    throw new XComConfigError(
      `XComPlugin option recordWorkflowTypes must be a list of workflow type names, got ${JSON.stringify(given)}`,
    );
  }
  return { all: options.recordAll === true, workflowTypes: types as string[] };
}

function isBackend(value: XComBackend | StoreConfig | undefined): value is XComBackend {
  return typeof value === 'object' && value !== null && typeof (value as XComBackend).commit === 'function';
}
