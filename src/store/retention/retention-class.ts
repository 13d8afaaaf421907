import { durationMs } from '../../dag/duration';
import { XComIdentityError } from '../../errors';

/**
 * How long an XCom lives. `'run'`: as long as its DAG run is kept (the default); a duration (`'7 days'`, `'12h'`, or
 * milliseconds): that long from when it was written, whether or not its run is kept; `'forever'`: kept by every
 * purge (only an explicit clear or delete removes it).
 */
export type Retention = 'run' | 'forever' | `${number}${string}` | number;

/** What an entry stores: null (the run's retention), `'infinity'`, or the time it may go, as ISO text. */
export type KeepUntil = string | null;

/** Checks a retention class where it is declared; throws naming `where` and the accepted forms. */
export function assertRetention(where: string, retention: unknown): asserts retention is Retention {
  if (retention === 'run' || retention === 'forever') return;
  const ms = durationMs(retention);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new XComIdentityError(
      'retention',
      `${where}: retention must be 'run', 'forever' or a positive duration such as '7 days' or '12h', got ` +
        `${JSON.stringify(retention)}`,
    );
  }
}

/** The `keep_until` of an entry written now with `retention`. */
export function keepUntilFor(retention: Retention, now = Date.now()): KeepUntil {
  if (retention === 'run') return null;
  if (retention === 'forever') return 'infinity';
  return new Date(now + durationMs(retention)!).toISOString();
}
