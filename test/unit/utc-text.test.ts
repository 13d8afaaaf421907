import { utcTextToIso } from '../../src/cli/utc-text';

describe('utcTextToIso', () => {
  test.each([
    ['2026-01-01 00:00:00', '2026-01-01T00:00:00.000Z'],
    ['2026-12-07 20:19:05.123456', '2026-12-07T20:19:05.123Z'],
    // Postgres prints no trailing zeros of the fraction.
    ['2026-12-07 20:19:05.5', '2026-12-07T20:19:05.500Z'],
    ['2026-12-07 20:19:05.04', '2026-12-07T20:19:05.040Z'],
    ['2026-12-07 20:19:05.000999', '2026-12-07T20:19:05.000Z'],
  ])('%s', (text, iso) => {
    expect(utcTextToIso(text)).toBe(iso);
    expect(new Date(iso).toISOString()).toBe(iso);
  });
});
