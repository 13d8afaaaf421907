import { inspect } from 'node:util';
import type { ValueLocation } from '../codec/encoded-value';
import type { ValueCodec } from '../codec/value-codec';
import type { EntryRow } from '../store/entry-rows';
import { maskValue } from '../masking/mask-value';
import { noMask, type Mask } from '../masking/sensitive-names';

/**
 * A readable rendering of a value (Maps, Sets, Dates and Buffers shown as such), cut to `maxChars` unless `full`,
 * so a multi-megabyte XCom never floods a terminal by accident.
 */
export function previewValue(value: unknown, maxChars: number, full: boolean): string {
  const text = inspect(value, {
    depth: full ? null : 6,
    maxArrayLength: full ? null : 100,
    maxStringLength: full ? null : maxChars,
    breakLength: 100,
  });
  if (full || text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters; --full shows everything)`;
}

/** A value on one line of at most `maxChars` characters, for a table cell. */
export function previewLine(value: unknown, maxChars: number): string {
  const text = inspect(value, { depth: 2, maxArrayLength: 20, maxStringLength: maxChars, breakLength: Infinity, compact: true });
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(maxChars - 1, 1))}…`;
}

/**
 * The preview cell of an entry in a listing: inline values are decoded from the row already read; values in the
 * object store are not fetched (a page of them could be gigabytes) and `xcom get` shows them.
 */
export async function entryPreview(
  codec: ValueCodec,
  row: Pick<EntryRow, 'inline_value' | 'encoding' | 'digest'>,
  meta: ValueLocation & { readonly key: string },
  maxChars: number,
  mask: Mask = noMask,
): Promise<string> {
  if (row.inline_value === null || row.inline_value === undefined) return '(in the object store)';
  try {
    const value = await codec.decode(row.inline_value, row.encoding, row.digest, meta);
    return previewLine(maskValue(meta.key, value, mask), maxChars);
  } catch (err) {
    return `(unreadable: ${(err as Error).message.slice(0, maxChars)})`;
  }
}
