import { noteRead, unrecorded } from '../audit/read-log';
import type { ItemSource, XComLookup } from '../common/arg-refs';
import type { XComRef } from '../common/xcom-ref';
import { fromJsonText, toJsonText } from '../codec/json-value';
import { isPlainObject } from '../dag/dag-builder';
import { XComError, XComNotFound } from '../errors';
import type { XComBackend } from '../store/backend';
import { formatIdentity } from '../store/identity';
import type { XComEntryMeta } from '../store/types';
import { readGuardOf } from './exclusive/guarded-reads';
import { loadRef, loadRefRecord, resolveValue, type ResolveContext } from './resolve-refs';

/** Map functions of the DAGs registered with the plugin, by DAG id and function id (`xarg.map(fn)`). */
export interface MapFunctions {
  get(dagId: string, fnId: number): ((item: unknown) => unknown) | undefined;
}

/** A mapped input that cannot give the item a task instance needs. */
export class XComExpandError extends XComError {
  constructor(message: string) {
    super('XCOM_EXPAND', message);
  }
}

/** Item `index` of a mapped task's input, read lazily inside the task (one row for a mapped sequence). */
export async function resolveItem(context: ResolveContext, source: ItemSource, index: number): Promise<unknown> {
  switch (source.kind) {
    case 'literal':
      return resolveValue(context, at(source.items, index, 'a literal list'));
    case 'value': {
      const what = formatIdentity(source.ref);
      // Read once for every instance of the worker (from the store beneath the attempt's audit view and read guard),
      // checked against this reader's read isolation and noted for it.
      const guard = readGuardOf(unrecorded(context.store));
      const shared = await sharedList(guard.inner, source.ref);
      guard.check(shared.meta);
      const copy = ownCopy(at(shared.list, index, what));
      noteRead(context.store, source.ref);
      if (copy !== NO_COPY) return copy;
      // An item without a JSON form (a custom backend's value): a read of its own, as every instance did before.
      return at(asList(await loadRef(context.store, source.ref), `the output of task '${source.ref.taskId}'`), index, what);
    }
    case 'lookup': {
      const value = await lookupValue(context.store, source.lookup);
      return at(asList(value, formatIdentity(source.lookup)), index, formatIdentity(source.lookup));
    }
    case 'sequence': {
      const [record] = await context.store.mapped(source.sequence, { offset: index, limit: 1 });
      if (!record) throw new XComExpandError(`mapped results of task '${source.sequence.taskId}' have no item ${index}`);
      return record.value;
    }
    case 'map': {
      const fn = context.mapFunctions.get(source.dagId, source.fnId);
      if (!fn) {
        throw new XComExpandError(
          `map function ${source.fnId} of DAG '${source.dagId}' is not known to this worker: register the DAG with ` +
            'new XComPlugin({ dags: [...] }) so .map() functions can run inside tasks',
        );
      }
      return fn(await resolveItem(context, source.source, index));
    }
  }
}

/**
 * Every instance of a task mapped over an upstream output resolves its item from the same list, most of them at
 * about the same time on the same worker; reading and decoding the whole list once per instance made the store
 * the bottleneck of a wide fan-out. Instances on one worker therefore share a read of the list while it is in
 * flight and for SHARE_READ_MS after it completed. The key includes the digest the ref pins, so only the exact
 * content the ref was made from is shared; a delete or rewrite of the entry is noticed once the window is over.
 */
const SHARE_READ_MS = 1_000;
const MAX_SHARED_READS = 32;

interface SharedList {
  /** The entry's metadata (read isolation is checked against it for each reader). */
  readonly meta: XComEntryMeta;
  readonly list: readonly unknown[];
}

interface SharedRead {
  readonly list: Promise<SharedList>;
  settledAt?: number;
}

const sharedReads = new WeakMap<XComBackend, Map<string, SharedRead>>();

function sharedList(store: XComBackend, ref: XComRef): Promise<SharedList> {
  let reads = sharedReads.get(store);
  if (!reads) sharedReads.set(store, (reads = new Map<string, SharedRead>()));
  const key = `${formatIdentity(ref)}@${ref.digest}`;
  const hit = reads.get(key);
  if (hit && (hit.settledAt === undefined || Date.now() - hit.settledAt < SHARE_READ_MS)) return hit.list;
  const read: SharedRead = {
    list: loadRefRecord(store, ref).then((record) => ({ meta: record, list: asList(record.value, `the output of task '${ref.taskId}'`) })),
  };
  const table = reads;
  read.list.then(
    () => void (read.settledAt = Date.now()),
    () => void (table.get(key) === read && table.delete(key)),
  );
  reads.delete(key);
  reads.set(key, read);
  // Oldest first: drop the reads beyond the bound.
  for (const old of reads.keys()) {
    if (reads.size <= MAX_SHARED_READS) break;
    reads.delete(old);
  }
  return read.list;
}

const NO_COPY = Symbol('no copy');

/**
 * An item of a shared list, as a fresh read would give it: tasks may mutate their arguments, and the same item can
 * reach several instances (a cross product, a retry). The copy goes through the store's JSON form; NO_COPY when
 * the item has none.
 */
function ownCopy(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  let text: string;
  try {
    text = toJsonText(item);
  } catch {
    return NO_COPY;
  }
  return fromJsonText(text);
}

/** What a lookup reads: null when the entry is missing, unless the lookup says it must exist (XComNotFound). */
export async function lookupValue(store: XComBackend, lookup: XComLookup): Promise<unknown> {
  const record = await store.get(lookup);
  if (!record && lookup.mustExist) throw new XComNotFound(lookup.dagId, lookup.runId, lookup.taskId, lookup.key);
  return record?.value ?? null;
}

/**
 * An `expandKwargs` item as the task's argument: it must be an object, or this instance fails, as Airflow fails the
 * map index whose item is not a dict. Fixed fields from `partial` are merged under it.
 */
export function kwargsItem(item: unknown, merge?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!isPlainObject(item)) throw new XComExpandError(`expandKwargs() needs a list of objects, but this instance's item is ${describeItem(item)}`);
  return merge ? { ...merge, ...item } : item;
}

function describeItem(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return `a ${(value.constructor as { name?: string } | undefined)?.name ?? 'object'}`;
  // Never a string's text: errors reach logs and Temporal's history, and a list item may be a secret (a token).
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The length of the list behind a source (the DAG runner's `__xcom_length`). */
export async function itemSourceLength(context: ResolveContext, source: ItemSource): Promise<number> {
  switch (source.kind) {
    case 'literal':
      return source.items.length;
    case 'value':
      return asList(await loadRef(context.store, source.ref), `the output of task '${source.ref.taskId}'`).length;
    case 'lookup':
      return asList(await lookupValue(context.store, source.lookup), formatIdentity(source.lookup)).length;
    case 'sequence':
      return context.store.count({
        dagIds: source.sequence.dagId,
        runId: source.sequence.runId,
        taskIds: source.sequence.taskId,
        key: source.sequence.key,
        mapIndexes: { start: 0, stop: 2 ** 31 },
      });
    case 'map':
      return itemSourceLength(context, source.source);
  }
}

function asList(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  const type = value === null || value === undefined ? 'nothing' : Array.isArray(value) ? 'array' : typeof value;
  throw new XComExpandError(`expand needs a list, but ${what} is ${type}`);
}

function at(items: readonly unknown[], index: number, what: string): unknown {
  if (!Number.isInteger(index) || index < 0 || index >= items.length) {
    throw new XComExpandError(`item ${index} is out of range for ${what} (length ${items.length})`);
  }
  return items[index];
}
