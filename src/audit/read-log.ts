import type { XComBackend } from '../store/backend';
import type { ResolvedIdentity, XComIdentity } from '../store/identity';
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
} from '../store/types';
import type { AuditedRead, FailedAttemptReads } from './audited-read';

/**
 * The entry versions one task attempt read, each once (by identity and digest), in the order first read. They travel
 * with the attempt's commit into the audit table (sql/000007_audit.sql): auditing costs rows in a transaction the
 * attempt runs anyway, never a round trip per read.
 */
export class ReadLog {
  readonly #reads = new Map<string, AuditedRead>();

  /** Notes that the attempt got `version` (a record it read, or a ref it resolved). */
  note(version: ResolvedIdentity & { readonly digest: string }): void {
    const { dagId, runId, taskId, mapIndex, key, digest } = version;
    // Ids hold no control characters (src/store/identity.ts), so U+0001 separates them; cheaper than JSON per read.
    const id = `${dagId}\u0001${runId}\u0001${taskId}\u0001${mapIndex}\u0001${key}\u0001${digest}`;
    if (!this.#reads.has(id)) this.#reads.set(id, { dagId, runId, taskId, mapIndex, key, digest, readAt: new Date() });
  }

  list(): AuditedRead[] {
    return [...this.#reads.values()];
  }
}

/**
 * A view of `inner` whose reads of values (`get`, `getStream`, `getMany`, `mapped`) are noted in `log`: every read
 * path of a task (pulls, mapped sequences, refs and lookups in its arguments) goes through it, so none can be missed.
 * Metadata-only reads (`getMany` without values, `count`) read no value and are not noted. A class, not an object of
 * closures: a task attempt makes one per attempt and some callers one per read, so its methods are shared.
 */
class RecordingBackend implements XComBackend {
  declare readonly getStream?: (identity: XComIdentity) => Promise<XComStreamRecord | undefined>;

  constructor(
    readonly inner: XComBackend,
    readonly log: ReadLog,
  ) {
    if (inner.getStream) this.getStream = recordedStream;
  }

  async get(identity: XComIdentity): Promise<XComRecord | undefined> {
    const record = await this.inner.get(identity);
    if (record) this.log.note(record);
    return record;
  }

  async getMany(filter: XComFilter, options?: GetManyOptions): Promise<XComRecord[]> {
    const records = await this.inner.getMany(filter, options);
    if (options?.values !== false) for (const record of records) this.log.note(record);
    return records;
  }

  async mapped(scope: MappedScope, range?: MappedRange): Promise<XComRecord[]> {
    const records = await this.inner.mapped(scope, range);
    for (const record of records) this.log.note(record);
    return records;
  }

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

async function recordedStream(this: RecordingBackend, identity: XComIdentity): Promise<XComStreamRecord | undefined> {
  const record = await this.inner.getStream!(identity);
  if (record) this.log.note(record);
  return record;
}

export function recordingReads(inner: XComBackend, log: ReadLog): XComBackend {
  return new RecordingBackend(inner, log);
}

/** The backend under a recording view (for caches shared by every attempt of a worker), or `store` itself. */
export function unrecorded(store: XComBackend): XComBackend {
  return store instanceof RecordingBackend ? store.inner : store;
}

/** Notes a read served without going through the view (a value shared between attempts, read once). */
export function noteRead(store: XComBackend, version: ResolvedIdentity & { readonly digest: string }): void {
  if (store instanceof RecordingBackend) store.log.note(version);
}
