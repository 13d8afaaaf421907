import { types } from 'node:util';
import { MASKED_TEXT, type Mask, type ValuePath } from './sensitive-names';

/**
 * A copy of an XCom value for display with every masked path replaced by `***` (the whole value when the XCom key
 * itself is sensitive). Objects, arrays and Maps with string keys are walked; other values are returned as they are.
 */
export function maskValue(key: string, value: unknown, mask: Mask): unknown {
  return walk([key], value, mask);
}

function walk(path: ValuePath, value: unknown, mask: Mask): unknown {
  if (mask(path)) return MASKED_TEXT;
  if (Array.isArray(value)) return value.map((item, i) => walk([...path, i], item, mask));
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, typeof k === 'string' ? walk([...path, k], v, mask) : v]));
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk([...path, k], v, mask)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || types.isUint8Array(value) || value instanceof Date) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
