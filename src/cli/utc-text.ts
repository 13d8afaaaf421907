/**
 * ISO 8601 (`2026-01-01T00:00:00.000Z`, what `Date#toISOString` prints) from Postgres's text of a UTC timestamp
 * (`(t at time zone 'UTC')::text`: `2026-01-01 00:00:00` with `.ffffff` when the microseconds are not zero), cut to
 * milliseconds. Listings read timestamps as text because parsing them into Dates costs more than the rest of a row.
 */
export function utcTextToIso(text: string): string {
  const fraction = text.length > 19 ? text.slice(20, 23) : '';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.padEnd(3, '0')}Z`;
}
