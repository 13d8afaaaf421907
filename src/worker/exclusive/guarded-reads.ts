import type { XComBackend } from '../../store/backend';
import { passThroughBut } from '../../store/backend-view';
import type { XComIdentity } from '../../store/identity';
import type { XComEntryMeta } from '../../store/types';
import { assertMayRead, type Reader } from './exclusive-rules';

const GUARD = Symbol('xcom.readGuard');

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
  return (store as { [GUARD]?: ReadGuard })[GUARD] ?? { inner: store, check: () => undefined };
}

/**
 * A view of `inner` whose reads (`get`, `getStream`, `getMany`, `mapped`) refuse entries `reader` may not read
 * (read isolation, docs/exclusive-xcoms.md). Every read path of a task (pulls, mapped sequences, streams, prior
 * dates, refs and lookups in its arguments, consumes) goes through it; so do workflow-side pulls and resolves.
 */
export function guardedReads(inner: XComBackend, reader: Reader): XComBackend {
  const check = <T extends XComEntryMeta | undefined>(record: T): T => (record && assertMayRead(reader, record), record);
  const checkAll = <T extends XComEntryMeta>(records: T[]): T[] => (records.forEach((r) => assertMayRead(reader, r)), records);
  const guard: ReadGuard = { inner, check: (record) => void check(record) };
  const view: XComBackend & { readonly [GUARD]: ReadGuard } = {
    [GUARD]: guard,
    ...passThroughBut(inner),
    get: async (identity) => check(await inner.get(identity)),
    ...(inner.getStream && {
      async getStream(identity: XComIdentity) {
        const record = await inner.getStream!(identity);
        try {
          return check(record);
        } catch (err) {
          record?.stream.destroy();
          throw err;
        }
      },
    }),
    getMany: async (filter, options) => checkAll(await inner.getMany(filter, options)),
    mapped: async (scope, range) => checkAll(await inner.mapped(scope, range)),
  };
  return view;
}
