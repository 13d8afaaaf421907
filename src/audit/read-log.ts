import type { XComBackend } from '../store/backend';
import { BackendView } from '../store/backend-view';
import type { ResolvedIdentity, XComIdentity } from '../store/identity';
import type { GetManyOptions, MappedRange, MappedScope, XComFilter, XComRecord, XComStreamRecord } from '../store/types';
import type { AuditedRead } from './audited-read';

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
 * Metadata-only reads (`getMany` without values, `count`) read no value and are not noted.
 */
class RecordingBackend extends BackendView {
  constructor(
    inner: XComBackend,
    readonly log: ReadLog,
  ) {
    super(inner);
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

  protected async viewStream(identity: XComIdentity): Promise<XComStreamRecord | undefined> {
    const record = await this.inner.getStream!(identity);
    if (record) this.log.note(record);
    return record;
  }
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
