import { isXComItemRef, isXComLookup, isXComSequenceRef } from '../common/arg-refs';
import { isXComRef, type XComRef } from '../common/xcom-ref';
import { XComIntegrityError } from '../errors';
import type { XComBackend } from '../store/backend';
import type { XComRecord } from '../store/types';
import { formatIdentity } from '../store/identity';
import { xcomMetrics } from '../telemetry/xcom-metrics';
import { kwargsItem, lookupValue, resolveItem, type MapFunctions } from './resolve-items';

/** The value a ref stands for; the entry must still hold the exact content the ref was made from. */
export async function loadRef(store: XComBackend, ref: XComRef): Promise<unknown> {
  return (await loadRefRecord(store, ref)).value;
}

/** The entry a ref stands for, checked as {@link loadRef} checks it. */
export async function loadRefRecord(store: XComBackend, ref: XComRef): Promise<XComRecord> {
  const record = await store.get(ref);
  if (!record) {
    throw new XComIntegrityError(`XComRef ${formatIdentity(ref)} points at an entry that no longer exists (cleared or deleted)`);
  }
  if (record.digest !== ref.digest) {
    throw new XComIntegrityError(
      `XComRef ${formatIdentity(ref)} pins content sha256 ${ref.digest}, but the entry now holds ${record.digest}: ` +
        'it was rewritten after the ref was made',
    );
  }
  xcomMetrics().refResolutions.add(1);
  return record;
}

/** Where argument references are resolved: the store, and the map functions of registered DAGs. */
export interface ResolveContext {
  readonly store: XComBackend;
  readonly mapFunctions: MapFunctions;
}

/**
 * Replaces every reference in activity arguments — `XComRef`, lookups, mapped sequences and mapped items, at any
 * depth of arrays and plain objects — with its value, so task functions receive real values while history holds
 * only references. Arguments without references are returned as they are.
 */
export async function resolveRefs(context: ResolveContext, args: unknown[]): Promise<unknown[]> {
  if (!args.some(containsRef)) return args;
  return Promise.all(args.map((arg) => resolveValue(context, arg)));
}

function isReference(value: unknown): boolean {
  return isXComRef(value) || isXComLookup(value) || isXComSequenceRef(value) || isXComItemRef(value);
}

function containsRef(value: unknown): boolean {
  if (isReference(value)) return true;
  if (Array.isArray(value)) return value.some(containsRef);
  if (isPlainObject(value)) return Object.values(value).some(containsRef);
  return false;
}

/** Resolves one value deeply; also used for items, which may themselves hold references. */
export async function resolveValue(context: ResolveContext, value: unknown): Promise<unknown> {
  if (isXComRef(value)) return loadRef(context.store, value);
  if (isXComLookup(value)) return lookupValue(context.store, value);
  if (isXComSequenceRef(value)) return (await context.store.mapped(value)).map((record) => record.value);
  if (isXComItemRef(value)) {
    const item = await resolveItem(context, value.source, value.index);
    if (value.kwargs) return kwargsItem(item, value.merge);
    return value.merge ? { ...value.merge, ...(item as Record<string, unknown>) } : item;
  }
  if (!containsRef(value)) return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveValue(context, item)));
  const entries = await Promise.all(
    Object.entries(value as Record<string, unknown>).map(async ([k, v]) => [k, await resolveValue(context, v)] as const),
  );
  return Object.fromEntries(entries);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
