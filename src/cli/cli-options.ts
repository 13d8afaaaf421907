import { InvalidArgumentError } from 'commander';
import { storeConfigFromEnv, type StoreConfig } from '../config/store-config';
import { durationMs } from '../dag/duration';
import type { OutputFormat } from './output/output-format';
import { UsageError } from './usage-error';

/** Options every command takes (given before or after the command name). */
export interface GlobalOptions {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly schema?: string;
  readonly create?: boolean;
  readonly output?: OutputFormat;
  readonly json?: boolean;
}

/** The store configuration: flags win over environment variables. */
export function storeConfigOf(globals: GlobalOptions, env: NodeJS.ProcessEnv): StoreConfig {
  return storeConfigFromEnv({
    ...env,
    ...(globals.databaseUrl !== undefined && { DATABASE_URL: globals.databaseUrl }),
    ...(globals.dataDir !== undefined && { XCOM_DATA_DIR: globals.dataDir }),
    ...(globals.schema !== undefined && { XCOM_SCHEMA: globals.schema }),
  });
}

/** `--json` is `--output json`; saying both differently is a mistake worth naming. */
export function outputFormatOf(globals: GlobalOptions): OutputFormat {
  if (globals.json && globals.output !== undefined && globals.output !== 'json') {
    throw new UsageError(`--json and --output ${globals.output} disagree: pass one of them`);
  }
  return globals.json ? 'json' : (globals.output ?? 'table');
}

/** A parser for an integer flag in [min, max]. */
export function integerArg(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
      throw new InvalidArgumentError(`${flag} must be an integer ${range}, got '${raw}'`);
    }
    return n;
  };
}

/** A parser for a duration with a unit ('6h', '30 minutes', '7d'), in milliseconds. */
export function durationArg(flag: string): (raw: string) => number {
  return (raw) => {
    // A bare number would mean milliseconds; only 0 is the same in every unit.
    const ms = /[a-z]\s*$/i.test(raw) ? durationMs(raw.trim()) : raw.trim() === '0' ? 0 : undefined;
    if (ms === undefined || ms < 0) {
      throw new InvalidArgumentError(`${flag} must be a duration with a unit such as '7d', '12h' or '30m', got '${raw}'`);
    }
    return ms;
  };
}

/** A point in time given as a duration back from now ('7d') or a date; `text` is what the user wrote, for messages. */
export interface Cutoff {
  readonly at: Date;
  readonly text: string;
}

/** A parser for a cutoff: a duration back from now ('7d') or a date ('2024-06-01', ISO 8601). */
export function cutoffArg(flag: string): (raw: string) => Cutoff {
  const asDuration = durationArg(flag);
  const asDate = dateArg(flag);
  return (raw) => {
    if (/^\d{4}-\d{2}-\d{2}/.test(raw)) return { at: asDate(raw), text: raw };
    try {
      return { at: new Date(Date.now() - asDuration(raw)), text: raw };
    } catch {
      throw new InvalidArgumentError(
        `${flag} must be a duration such as '7d' or '12h', or a date such as '2024-06-01', got '${raw}'`,
      );
    }
  };
}

/** A parser for a date ('2024-06-01', ISO 8601). */
export function dateArg(flag: string): (raw: string) => Date {
  return (raw) => {
    const date = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`${flag} must be a date such as '2024-06-01' or an ISO 8601 time, got '${raw}'`);
    return date;
  };
}

/** For flags that may be given more than once (`--dag a --dag b`). */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
