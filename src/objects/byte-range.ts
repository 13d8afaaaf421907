import { XComIdentityError } from '../errors';

/** A part of an object to read: `start` and `length` are whole byte counts, so a bad caller fails before any request. */
export function assertRange(start: number, length: number): void {
  for (const [name, value] of [
    ['start', start],
    ['length', length],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new XComIdentityError('range', `getRange: ${name} must be a whole number of bytes >= 0, got ${value}`);
    }
  }
}
