import { isXComRef, type XComRef } from '../common/xcom-ref';
import { XComIntegrityError } from '../errors';
import type { XComBackend } from '../store/backend';
import { formatIdentity } from '../store/identity';

/** The value a ref stands for; the entry must still hold the exact content the ref was made from. */
export async function loadRef(store: XComBackend, ref: XComRef): Promise<unknown> {
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
  return record.value;
}

/**
 * Replaces every `XComRef` found in activity arguments (at any depth of arrays and plain objects) with its value,
 * so task functions receive real values while history holds only refs. Arguments without refs are returned as is.
 */
export async function resolveRefs(store: XComBackend, args: unknown[]): Promise<unknown[]> {
  if (!args.some(containsRef)) return args;
  return Promise.all(args.map((arg) => resolveValue(store, arg)));
}

function containsRef(value: unknown): boolean {
  if (isXComRef(value)) return true;
  if (Array.isArray(value)) return value.some(containsRef);
  if (isPlainObject(value)) return Object.values(value).some(containsRef);
  return false;
}

async function resolveValue(store: XComBackend, value: unknown): Promise<unknown> {
  if (isXComRef(value)) return loadRef(store, value);
  if (!containsRef(value)) return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveValue(store, item)));
  const entries = await Promise.all(
    Object.entries(value as Record<string, unknown>).map(async ([k, v]) => [k, await resolveValue(store, v)] as const),
  );
  return Object.fromEntries(entries);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
