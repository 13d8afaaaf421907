import { InvalidArgumentError } from 'commander';

type Shape = readonly ('string' | 'number')[];
type Decoded<T extends Shape> = { -readonly [K in keyof T]: T[K] extends 'number' ? number : string };

/**
 * Opaque keyset cursors: the sort key of a page's last row, tagged with the listing it belongs to, as base64url
 * JSON. Parsed with the flags, so a cursor from another listing (or a mangled one) is bad usage before anything opens.
 */
export function encodeCursor(listing: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([listing, ...key])).toString('base64url');
}

/** A commander argument parser for `--after` of `listing`. */
export function cursorArg<T extends Shape>(listing: string, shape: T): (raw: string) => Decoded<T> {
  return (raw) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (
      Array.isArray(parsed) &&
      parsed[0] === listing &&
      parsed.length === shape.length + 1 &&
      shape.every((type, i) => typeof parsed[i + 1] === type)
    ) {
      return parsed.slice(1) as Decoded<T>;
    }
    throw new InvalidArgumentError(`--after '${raw.slice(0, 40)}' is not a cursor that 'xcom ${listing}' printed`);
  };
}
