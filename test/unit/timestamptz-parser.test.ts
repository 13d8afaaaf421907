import { types } from 'pg';
import { parseTimestamptz } from '../../src/engines/timestamptz-parser';

const parseWithPg = types.getTypeParser(1184, 'text') as (text: string) => Date | number;
const time = (v: Date | number) => (v instanceof Date ? v.getTime() : v);

describe('parseTimestamptz gives what pg parses', () => {
  test.each([
    '2024-02-01 12:34:56.123456+00',
    '2024-02-01 12:34:56+00',
    '2024-02-01 12:34:56.1+05:30',
    '1999-12-31 23:59:59.999999-08',
    '2024-02-29 00:00:00.000001+00',
    '1000-01-01 00:00:00-09:30',
    '9999-12-31 23:59:59.999+14',
    // Outside the fast path: pg's own parser answers.
    '2024-02-01 12:34:56.5+05:30:15',
    'infinity',
    '-infinity',
    '0044-03-15 00:00:00+00 BC',
    '12345-01-01 00:00:00+00',
    '0999-01-01 00:00:00+00',
  ])('%s', (text) => {
    expect(time(parseTimestamptz(text))).toEqual(time(parseWithPg(text)));
  });

  test('10,000 timestamps as Postgres prints them, at every half-hour offset', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    for (let i = 0; i < 10_000; i++) {
      const local = new Date(Date.UTC(1000, 0, 1) + Math.floor(random() * (Date.UTC(9999, 11, 31) - Date.UTC(1000, 0, 1))));
      const offset = (Math.floor(random() * 57) - 28) * 30;
      const micros = pad(local.getUTCMilliseconds(), 3) + pad(Math.floor(random() * 1000), 3);
      // Postgres prints no trailing zeros, and no fraction at all when it is zero.
      const fraction = random() < 0.3 ? '' : `.${micros}`.replace(/0+$/, '').replace(/\.$/, '');
      const abs = Math.abs(offset);
      const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
      const text =
        `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
        `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${zone}`;
      expect({ text, parsed: time(parseTimestamptz(text)) }).toEqual({ text, parsed: time(parseWithPg(text)) });
    }
  });

  test('malformed text is left to pg (which returns an invalid Date, as before)', () => {
    for (const text of ['2024-02-01 12:34:5x+00', '2024-02-01T12:34:56+00', '2024-02-01 12:34:56.123+0', '2024-13-45 99:99:99+00']) {
      expect(String(parseTimestamptz(text))).toEqual(String(parseWithPg(text)));
    }
  });
});
