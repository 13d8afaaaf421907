import { types } from 'pg';

/** Postgres's OID of `timestamptz`. */
export const TIMESTAMPTZ_OID = 1184;
const parseWithPg = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date | number;

/**
 * A timestamptz as a Date, to the millisecond as pg's own parser gives it, read digit by digit. Postgres prints one
 * under DateStyle ISO as `2024-02-01 12:34:56.123456+00`: the fraction optional, the offset `±HH` or `±HH:MM`. That
 * form, years 1000–9999, takes the fast path (a tenth of pg's general parser, which a page of 50 rows with three
 * timestamps each pays 150 times); anything else (BC, infinities, offsets with seconds, other DateStyles) goes to
 * pg's parser.
 */
export function parseTimestamptz(text: string): Date | number {
  const fast = parseIsoOutput(text);
  return fast === undefined ? parseWithPg(text) : new Date(fast);
}

function parseIsoOutput(s: string): number | undefined {
  if (s.length < 22 || s[4] !== '-' || s[7] !== '-' || s[10] !== ' ' || s[13] !== ':' || s[16] !== ':') return undefined;
  const year = digits(s, 0, 4);
  if (year < 1000) return undefined; // also NaN: not digits
  let at = 19;
  let millis = 0;
  if (s[at] === '.') {
    let scale = 100;
    for (at++; at < s.length && isDigit(s.charCodeAt(at)); at++) {
      millis += (s.charCodeAt(at) - 48) * scale;
      scale /= 10;
    }
    millis = Math.floor(millis);
  }
  const sign = s[at] === '+' ? 1 : s[at] === '-' ? -1 : 0;
  if (sign === 0) return undefined;
  const rest = s.length - at;
  // ±HH or ±HH:MM and nothing after it.
  if (rest !== 3 && !(rest === 6 && s[at + 3] === ':')) return undefined;
  const offsetMinutes = digits(s, at + 1, 2) * 60 + (rest === 6 ? digits(s, at + 4, 2) : 0);
  const utc = Date.UTC(year, digits(s, 5, 2) - 1, digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2), millis);
  const value = utc - sign * offsetMinutes * 60_000;
  return Number.isNaN(value) ? undefined : value;
}

/** The decimal number of `count` digits at `from`; NaN if any is not a digit. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return Number.NaN;
    n = n * 10 + (c - 48);
  }
  return n;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
