import { durationMs } from '../dag/duration';
import { XComConfigError } from '../errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** The variable's value, or undefined when unset or empty. */
export function envString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** A non-negative integer (sizes in bytes), or the fallback when unset. */
export function envBytes(env: Env, name: string, fallback: number): number {
  const raw = envString(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new XComConfigError(`${name} must be a whole number of bytes, got '${raw}'`);
  return Number(raw);
}

export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = envString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new XComConfigError(`${name} must be true or false, got '${raw}'`);
}

export function envChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = envString(env, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new XComConfigError(`${name} must be one of ${choices.join(', ')}, got '${raw}'`);
  }
  return raw as T;
}

/** A duration ('6h', '30 minutes', '1500' for ms), in milliseconds, or the fallback when unset. */
export function envDuration(env: Env, name: string, fallback: number): number {
  const raw = envString(env, name);
  if (raw === undefined) return fallback;
  const ms = durationMs(raw);
  if (ms === undefined || ms < 0) throw new XComConfigError(`${name} must be a duration such as '6h' or '30m', got '${raw}'`);
  return ms;
}
