import type { XComBackend } from '../../store/backend';
import { BackendView } from '../../store/backend-view';
import type { XComIdentity } from '../../store/identity';
import type { GetManyOptions, MappedRange, MappedScope, XComEntryMeta, XComFilter, XComRecord, XComStreamRecord } from '../../store/types';
import { assertMayRead, type Reader } from './exclusive-rules';

/** The store under a guarded view, and the guard's check for a record read from it directly. */
export interface ReadGuard {
  readonly inner: XComBackend;
  readonly check: (record: XComEntryMeta) => void;
}

/**
 * The store beneath `store`'s read guard and its check, for a read shared between attempts (read once from the
 * store beneath, checked for each reader); a store without a guard checks nothing.
 */
export function readGuardOf(store: XComBackend): ReadGuard {
  if (store instanceof GuardedBackend) return { inner: store.inner, check: (record) => store.check(record) };
  return { inner: store, check: () => undefined };
}

/**
 * A view of `inner` whose reads (`get`, `getStream`, `getMany`, `mapped`) refuse entries `reader` may not read
 * (read isolation, docs/exclusive-xcoms.md). Every read path of a task (pulls, mapped sequences, streams, prior
 * dates, refs and lookups in its arguments, consumes) goes through it; so do workflow-side pulls and resolves.
 */
export function guardedReads(inner: XComBackend, reader: Reader): XComBackend {
  return new GuardedBackend(inner, reader);
}

class GuardedBackend extends BackendView {
  constructor(
    inner: XComBackend,
    private readonly reader: Reader,
  ) {
    super(inner);
  }

  /** Throws when `reader` may not read `record`. */
  check(record: XComEntryMeta): void {
    assertMayRead(this.reader, record);
  }

  async get(identity: XComIdentity): Promise<XComRecord | undefined> {
    const record = await this.inner.get(identity);
    if (record) this.check(record);
    return record;
  }

  async getMany(filter: XComFilter, options?: GetManyOptions): Promise<XComRecord[]> {
    return this.#checkAll(await this.inner.getMany(filter, options));
  }

  async mapped(scope: MappedScope, range?: MappedRange): Promise<XComRecord[]> {
    return this.#checkAll(await this.inner.mapped(scope, range));
  }

  protected async viewStream(identity: XComIdentity): Promise<XComStreamRecord | undefined> {
    const record = await this.inner.getStream!(identity);
    try {
      if (record) this.check(record);
      return record;
    } catch (err) {
      record?.stream.destroy();
      throw err;
    }
  }

  #checkAll(records: XComRecord[]): XComRecord[] {
    for (const record of records) this.check(record);
    return records;
  }
}
