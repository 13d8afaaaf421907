import { inspect } from 'node:util';

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
