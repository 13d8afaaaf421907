// Pure module (no imports but src/dag): a DAG's `schedule` as the spec of a Temporal Schedule.
import type { DagSchedule } from './dag-options';
import { durationMs } from './duration';

/** Airflow's cron presets (`airflow.utils.dates.cron_presets`, plus croniter's `@midnight` and `@annually`). */
export const SCHEDULE_PRESETS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@quarterly': '0 0 1 */3 *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/**
 * The parts of Temporal's `ScheduleSpec` (`@temporalio/client`) a DAG schedule becomes. Durations are milliseconds
 * or duration strings Temporal reads (`'1 hour'`), already checked.
 */
export type DagScheduleSpec =
  | { readonly cronExpressions: readonly string[] }
  | { readonly intervals: readonly { readonly every: string | number; readonly offset?: string | number }[] }
  /** `@once`: one run, whose logical date is the DAG's `startDate` (or the time the schedule is created). */
  | { readonly once: true };

/** A `schedule` that cannot become a Temporal Schedule. */
export class DagScheduleError extends Error {
  readonly code = 'XCOM_DAG_SCHEDULE';

  constructor(message: string) {
    super(message);
    this.name = 'DagScheduleError';
  }
}

/**
 * A DAG's schedule as a Temporal `ScheduleSpec`: a cron expression (5 fields, UTC) or an Airflow preset becomes
 * `{ cronExpressions: [cron] }`; `{ every, offset }` (Airflow's timedelta schedule) becomes `{ intervals: [...] }`;
 * `@once` becomes `{ once: true }`. `@continuous` and `null` are not schedules: start the DAG's workflow yourself.
 */
export function scheduleSpecFor(schedule: DagSchedule | null | undefined): DagScheduleSpec {
  if (schedule === null || schedule === undefined) {
    throw new DagScheduleError(
      `schedule is ${String(schedule)}: the DAG runs only when its workflow is started (client.workflow.start), so there is no Temporal Schedule to create`,
    );
  }
  if (typeof schedule === 'string' && schedule.trim() === '@once') return { once: true };
  if (typeof schedule === 'string') return { cronExpressions: [cronFor(schedule)] };
  if (typeof schedule === 'object' && 'every' in schedule) return { intervals: [intervalFor(schedule)] };
  throw new DagScheduleError(`schedule must be a cron expression, an Airflow preset such as '@daily', or { every, offset }; got ${describe(schedule)}`);
}

function cronFor(schedule: string): string {
  const text = schedule.trim();
  if (text === '@continuous') {
    throw new DagScheduleError(
      `schedule '${text}' is not a recurring schedule: start the DAG's workflow directly (client.workflow.start) for a run, or use a cron expression`,
    );
  }
  if (text.startsWith('@')) {
    const cron = SCHEDULE_PRESETS[text.toLowerCase()];
    if (cron === undefined) {
      throw new DagScheduleError(`schedule '${text}' is not a known preset; use one of ${Object.keys(SCHEDULE_PRESETS).join(', ')} or a cron expression`);
    }
    return cron;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5 || text === '') {
    throw new DagScheduleError(
      `schedule '${schedule}' is not a cron expression: it needs 5 fields (minute hour day-of-month month day-of-week), it has ${text === '' ? 0 : fields.length}`,
    );
  }
  const problems = fields.flatMap((field, i) => cronFieldProblems(field, CRON_FIELDS[i]!));
  if (problems.length > 0) throw new DagScheduleError(`schedule '${schedule}' is not a valid cron expression: ${problems.join('; ')}`);
  return fields.join(' ');
}

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 0 and 7 are both Sunday, as in cron and croniter.
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** What is wrong with one field: items separated by commas, each `*`, `n` or `n-m`, optionally `/step`. */
function cronFieldProblems(field: string, spec: CronField): string[] {
  const problems: string[] = [];
  for (const item of field.split(',')) {
    const match = /^(\*|[^/*-]+(?:-[^/*-]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) {
      problems.push(`${spec.name} field '${field}' has an invalid item '${item}'`);
      continue;
    }
    const [, range, step] = match;
    if (step !== undefined && Number(step) === 0) problems.push(`${spec.name} field '${field}' has a step of 0`);
    if (range === '*') continue;
    const bounds = range!.split('-').map((part) => valueOf(part, spec));
    const bad = bounds.find((b): b is string => typeof b === 'string');
    if (bad !== undefined) problems.push(`${spec.name} field '${field}' has ${bad}`);
    else if (bounds.length === 2 && (bounds[0] as number) > (bounds[1] as number)) {
      problems.push(`${spec.name} field '${field}' has the range '${range}', which runs backwards`);
    }
  }
  return problems;
}

/** A field value as a number, or what is wrong with it. */
function valueOf(part: string, spec: CronField): number | string {
  const allowed = spec.names ? `${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : `${spec.min}-${spec.max}`;
  if (/^\d+$/.test(part)) {
    const n = Number(part);
    return n >= spec.min && n <= spec.max ? n : `${part}, outside ${allowed}`;
  }
  const index = spec.names?.indexOf(part.toUpperCase()) ?? -1;
  if (index < 0) return `'${part}', which is not ${allowed}`;
  return spec.min === 1 ? index + 1 : index;
}

function intervalFor(schedule: { readonly every: string | number; readonly offset?: string | number }): {
  every: string | number;
  offset?: string | number;
} {
  const every = durationMs(schedule.every);
  if (every === undefined || every <= 0) {
    throw new DagScheduleError(`schedule { every: ${describe(schedule.every)} } needs a positive duration (milliseconds, or a string such as '6 hours')`);
  }
  if (schedule.offset === undefined) return { every: schedule.every };
  const offset = durationMs(schedule.offset);
  if (offset === undefined || offset < 0 || offset >= every) {
    throw new DagScheduleError(`schedule { offset: ${describe(schedule.offset)} } needs a duration from 0 up to (not including) every (${describe(schedule.every)})`);
  }
  return { every: schedule.every, offset: schedule.offset };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
