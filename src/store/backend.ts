import type { FailedAttemptReads } from '../audit/audited-read';
import type { XComIdentity } from './identity';
import type {
  AttemptCommit,
  AttemptCommitResult,
  ClearScope,
  DiscardedWrite,
  GetManyOptions,
  LedgerRecord,
  MappedRange,
  MappedScope,
  SetResult,
  XComFilter,
  XComRecord,
  XComStreamRecord,
  XComWrite,
} from './types';

/**
 * What the plugin needs from storage, in the spirit of Airflow's `BaseXCom` (set, get, get_many, delete, clear;
 * purge is part of delete). `XComStore` is the built-in implementation; implement this to keep XComs elsewhere.
 * To change only how values become bytes (Airflow's `serialize_value`/`deserialize_value`), pass your own
 * `ValueCodec` to `XComStore` instead; to change only where large values live, pass your own `ObjectStore`.
 */
export interface XComBackend {
  /** Upserts one entry, fenced per key. */
  set(write: XComWrite): Promise<SetResult>;
  /** Upserts many entries in one transaction, each fenced per key: all become visible together, or none does. */
  commit(writes: readonly XComWrite[]): Promise<SetResult[]>;
  /**
   * Publishes a task attempt: claims its task instance and, unless a newer attempt owns it, replaces the instance's
   * whole key set in one transaction. Consumers see one attempt's keys, never a mix.
   */
  commitAttempt(commit: AttemptCommit): Promise<AttemptCommitResult>;
  /** One entry with its value, or undefined. */
  get(identity: XComIdentity): Promise<XComRecord | undefined>;
  /**
   * One entry with its value as a stream of bytes (flat memory for large raw bytes), or undefined. Optional: readers
   * fall back to `get` and stream the value they got.
   */
  getStream?(identity: XComIdentity): Promise<XComStreamRecord | undefined>;
  /** Entries matching Airflow's `get_many` filters, newest logical date first. */
  getMany(filter: XComFilter, options?: GetManyOptions): Promise<XComRecord[]>;
  count(filter: XComFilter): Promise<number>;
  /**
   * A window of a task's mapped results in one run, by `map_index` ascending (rows with `map_index >= 0` only).
   * Positions count existing rows, so lazy sequences can index and page without loading everything.
   */
  mapped(scope: MappedScope, range?: MappedRange): Promise<XComRecord[]>;
  /** Removes one entry (its object is collected later by the sweeper); false when there was none. */
  delete(identity: XComIdentity): Promise<boolean>;
  /** Removes every entry of a task (or one mapped instance) or of a whole run; returns how many. */
  clear(scope: ClearScope): Promise<number>;
  /**
   * Notes in the ledger what a failed attempt had pushed (nothing becomes visible), and in the audit trail what it
   * had read. A backend without an audit trail may ignore `reads`.
   */
  discard(writes: readonly DiscardedWrite[], reads?: FailedAttemptReads): Promise<void>;
  /** The attempt ledger of one entry or of a task/run, oldest first. */
  ledger(scope: XComIdentity | ClearScope): Promise<LedgerRecord[]>;
  close(): Promise<void>;
}
