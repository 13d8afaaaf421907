import type { XComRef } from '../common/xcom-ref';
import type { WaitForXComTarget } from '../common/xcom-wait';
import { openXComStore } from '../config/open-store';
import { storeConfigFromEnv, type StoreConfig } from '../config/store-config';
import { pullXCom, type PullOptions } from '../pull';
import type { TypedPull } from '../pull/typed-pull';
import { XComConfigError } from '../errors';
import type { XComBackend } from '../store/backend';
import { isRetentionBackend, type RetentionBackend } from '../store/retention/retention-backend';
import type {
  ClearTaskOptions,
  KeepLatestRunsOptions,
  ListRunsOptions,
  PurgeOptions,
  RetentionOptions,
  RetentionResult,
  RunPage,
  TrimLedgerOptions,
} from '../store/retention/types';
import { RETURN_VALUE_KEY, type XComIdentity } from '../store/identity';
import type { ClearScope, LedgerRecord, XComEntryMeta, XComFilter, XComStreamRecord } from '../store/types';
import { streamEntry } from '../store/stream/stream-entry';
import { loadRef } from '../worker/resolve-refs';
import { waitForXComOutside, type ClientWaitOptions, type ClientWaitResult } from './client-wait';

export interface XComClientOptions {
  /** A backend you own, a configuration, or nothing to read the environment (as the worker does). */
  readonly store?: XComBackend | StoreConfig;
}

/** A pull from outside any task: the run and the task ids are required; `asOf` is the cutoff of `includePriorDates`. */
export type ClientPullOptions = PullOptions & { dagId: string; runId: string; taskIds: string | readonly string[]; asOf?: Date };

/** Identity of one entry; `key` defaults to `return_value` and `mapIndex` to -1. */
export type EntryAddress = Omit<XComIdentity, 'key'> & { readonly key?: string };

/**
 * Reads, lists and deletes XComs from outside any workflow: for applications, scripts and the CLI.
 */
export class XComClient {
  private constructor(
    readonly store: XComBackend,
    private readonly ownsStore: boolean,
  ) {}

  static async open(options: XComClientOptions = {}): Promise<XComClient> {
    const given = options.store;
    if (given && typeof (given as XComBackend).commit === 'function') return new XComClient(given as XComBackend, false);
    const store = await openXComStore((given as StoreConfig | undefined) ?? storeConfigFromEnv(), { migrate: false });
    return new XComClient(store, true);
  }

  /** One value, or undefined when there is none. */
  async get<T = unknown>(address: EntryAddress): Promise<T | undefined> {
    return (await this.store.get({ ...address, key: address.key ?? RETURN_VALUE_KEY }))?.value as T | undefined;
  }

  /**
   * One value as a stream of bytes, with its metadata (size, digest), or undefined when there is none. Large raw
   * bytes stream from the object store with flat memory and are verified at the end of the stream.
   */
  getStream(address: EntryAddress): Promise<XComStreamRecord | undefined> {
    return streamEntry(this.store, { ...address, key: address.key ?? RETURN_VALUE_KEY });
  }

  /** Airflow 3's pull rules, for a given DAG run (`taskIds` is required: the caller is not a task). */
  readonly pull = ((options: ClientPullOptions) => {
    const caller = { dagId: options.dagId, runId: options.runId, taskId: options.dagId, mapIndex: -1, logicalDate: options.asOf };
    return pullXCom(this.store, caller, options);
  }) as TypedPull<ClientPullOptions>;

  /** Entries of a run (or any filter), without loading their values. */
  async list(filter: XComFilter): Promise<XComEntryMeta[]> {
    return this.store.getMany(filter, { values: false });
  }

  delete(address: EntryAddress): Promise<boolean> {
    return this.store.delete({ ...address, key: address.key ?? RETURN_VALUE_KEY });
  }

  /** Removes every XCom of a run, or of one task (or mapped instance) in it. */
  clear(scope: ClearScope): Promise<number> {
    return this.store.clear(scope);
  }

  ledger(scope: ClearScope | XComIdentity): Promise<LedgerRecord[]> {
    return this.store.ledger(scope);
  }

  /** Runs older than `olderThan` (by logical date), then entries past their own retention; see docs/retention.md. */
  purge(options: PurgeOptions): Promise<RetentionResult> {
    return this.#retention('purge').purge(options);
  }

  /** All but the `keep` newest runs of a DAG. */
  keepLatestRuns(options: KeepLatestRunsOptions): Promise<RetentionResult> {
    return this.#retention('keepLatestRuns').keepLatestRuns(options);
  }

  /** Every run of a DAG, whatever the retention of its entries. */
  clearDag(dagId: string, options?: RetentionOptions): Promise<RetentionResult> {
    return this.#retention('clearDag').clearDag(dagId, options);
  }

  /** One run whole: entries, ledger, outbox, subscriptions and the run itself. */
  clearRun(run: { dagId: string; runId: string }, options?: RetentionOptions): Promise<RetentionResult> {
    return this.#retention('clearRun').clearRun(run, options);
  }

  /** A task's entries in one run (every map index, or one). */
  clearTask(options: ClearTaskOptions): Promise<RetentionResult> {
    return this.#retention('clearTask').clearTask(options);
  }

  /** Ledger rows older than `olderThan`. */
  trimLedger(options: TrimLedgerOptions): Promise<RetentionResult> {
    return this.#retention('trimLedger').trimLedger(options);
  }

  /** DAG runs newest first, a page at a time (`next` is the cursor of the following page). */
  listRuns(options?: ListRunsOptions): Promise<RunPage> {
    return this.#retention('listRuns').listRuns(options);
  }

  #retention(operation: string): RetentionBackend {
    if (!isRetentionBackend(this.store)) {
      throw new XComConfigError(`XComClient.${operation}: this store's backend has no retention operations (use XComStore)`);
    }
    return this.store;
  }

  /**
   * Waits for an XCom from outside any workflow (an application waiting on a pipeline's output): the entry of
   * `target.runId`, or of any run (the newest, else the next one committed). Resolves with the value, or with
   * `{ found: false, timedOut: true }` after `timeoutMs`. On Postgres a commit wakes it at once (LISTEN/NOTIFY);
   * polling with backoff covers the rest.
   */
  waitFor<T = unknown>(target: WaitForXComTarget, options: ClientWaitOptions): Promise<ClientWaitResult<T>> {
    return waitForXComOutside<T>(this.store, target, options);
  }

  /** The value behind an `XComRef` a workflow returned. */
  resolve<T = unknown>(ref: XComRef): Promise<T> {
    return loadRef(this.store, ref) as Promise<T>;
  }

  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close();
  }
}
