import type { XComBackend } from './backend';
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
import type { FailedAttemptReads } from '../audit/audited-read';

/**
 * The base of views that watch or guard the value reads of a backend (the audit trail's recording view, read
 * isolation's guard): they implement `get`, `getMany`, `mapped` and `viewStream`; everything else forwards to `inner`
 * as is. A class, so a view made per task attempt (or per read) shares its methods instead of making a closure each.
 * `getStream` exists only when `inner` has one (readers fall back to `get` otherwise).
 */
export abstract class BackendView implements XComBackend {
  declare readonly getStream?: (identity: XComIdentity) => Promise<XComStreamRecord | undefined>;

  constructor(readonly inner: XComBackend) {
    if (inner.getStream) this.getStream = BackendView.#stream;
  }

  /** One function shared by every view as its `getStream`, called with the view as `this`. */
  static #stream(this: BackendView, identity: XComIdentity): Promise<XComStreamRecord | undefined> {
    return this.viewStream(identity);
  }

  abstract get(identity: XComIdentity): Promise<XComRecord | undefined>;
  abstract getMany(filter: XComFilter, options?: GetManyOptions): Promise<XComRecord[]>;
  abstract mapped(scope: MappedScope, range?: MappedRange): Promise<XComRecord[]>;
  /** `getStream` of the view, called only when `inner` has one. */
  protected abstract viewStream(identity: XComIdentity): Promise<XComStreamRecord | undefined>;

  set(write: XComWrite): Promise<SetResult> {
    return this.inner.set(write);
  }

  commit(writes: readonly XComWrite[]): Promise<SetResult[]> {
    return this.inner.commit(writes);
  }

  commitAttempt(commit: AttemptCommit): Promise<AttemptCommitResult> {
    return this.inner.commitAttempt(commit);
  }

  count(filter: XComFilter): Promise<number> {
    return this.inner.count(filter);
  }

  delete(identity: XComIdentity): Promise<boolean> {
    return this.inner.delete(identity);
  }

  clear(scope: ClearScope): Promise<number> {
    return this.inner.clear(scope);
  }

  discard(writes: readonly DiscardedWrite[], reads?: FailedAttemptReads): Promise<void> {
    return this.inner.discard(writes, reads);
  }

  ledger(scope: XComIdentity | ClearScope): Promise<LedgerRecord[]> {
    return this.inner.ledger(scope);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
