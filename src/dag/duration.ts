// Pure module (no imports): durations as Temporal takes them, checked when a DAG is defined rather than when it runs.

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_557_600_000,
};

// The grammar of the `ms` package, which Temporal uses to read duration strings ('5 seconds', '1.5h', '200').
const DURATION = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i;

/** A duration's milliseconds: a number is milliseconds already, a string is read as Temporal reads it; else undefined. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) return undefined;
  const match = DURATION.exec(value);
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : UNIT_MS[unit.charAt(0)];
  return factor === undefined ? undefined : parseFloat(match[1]!) * factor;
}
