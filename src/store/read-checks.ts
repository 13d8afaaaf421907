import { XComIdentityError } from '../errors';

/** Offsets and limits of a mapped read: whole numbers, 0 or more. */
export function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new XComIdentityError(name, `XCom mapped ${name} must be an integer >= 0, got ${value}`);
  }
  return value;
}

/** A filter's limit: a whole number, 1 or more. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new XComIdentityError(name, `XCom filter ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
