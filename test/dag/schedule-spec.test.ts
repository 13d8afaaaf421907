// A DAG's schedule as a Temporal ScheduleSpec (pure: no server).
import { DagScheduleError, scheduleSpecFor } from '../../src/dag/schedule-spec';
import { durationMs } from '../../src/dag/duration';

const errorOf = (schedule: unknown): DagScheduleError => {
  try {
    scheduleSpecFor(schedule as never);
  } catch (error) {
    expect(error).toBeInstanceOf(DagScheduleError);
    return error as DagScheduleError;
  }
  throw new Error(`expected ${JSON.stringify(schedule)} to be rejected`);
};

describe('scheduleSpecFor', () => {
  test.each([
    ['@hourly', '0 * * * *'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@weekly', '0 0 * * 0'],
    ['@monthly', '0 0 1 * *'],
    ['@quarterly', '0 0 1 */3 *'],
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
  ])("Airflow's preset %s is the cron expression %s", (preset, cron) => {
    expect(scheduleSpecFor(preset)).toEqual({ cronExpressions: [cron] });
  });

  test.each(['*/15 * * * *', '30 6 * * MON-FRI', '0 9-17/2 1,15 jan-jun 1-5', '5/10 0 * * 7', '0 0 31 * *'])(
    'a 5-field cron expression passes through: %s',
    (cron) => {
      expect(scheduleSpecFor(cron)).toEqual({ cronExpressions: [cron] });
    },
  );

  test('extra whitespace is normalised', () => {
    expect(scheduleSpecFor('  0   6 * *  1 ')).toEqual({ cronExpressions: ['0 6 * * 1'] });
  });

  test('{ every, offset } (a timedelta schedule) becomes an interval', () => {
    expect(scheduleSpecFor({ every: '6 hours' })).toEqual({ intervals: [{ every: '6 hours' }] });
    expect(scheduleSpecFor({ every: 3_600_000, offset: '15 minutes' })).toEqual({ intervals: [{ every: 3_600_000, offset: '15 minutes' }] });
  });

  test('@once is one run; @continuous and null are not schedules: start the workflow directly', () => {
    expect(scheduleSpecFor('@once')).toEqual({ once: true });
    expect(errorOf('@continuous').message).toBe(
      "schedule '@continuous' is not a recurring schedule: start the DAG's workflow directly (client.workflow.start) for a run, or use a cron expression",
    );
    expect(errorOf('@continuous').message).toContain("schedule '@continuous' is not a recurring schedule");
    expect(errorOf(null).message).toBe(
      'schedule is null: the DAG runs only when its workflow is started (client.workflow.start), so there is no Temporal Schedule to create',
    );
    expect(errorOf(null).code).toBe('XCOM_DAG_SCHEDULE');
  });

  test.each([
    ['@fortnightly', "schedule '@fortnightly' is not a known preset; use one of @hourly, @daily, @midnight, @weekly, @monthly, @quarterly, @yearly, @annually or a cron expression"],
    ['0 0 * *', "schedule '0 0 * *' is not a cron expression: it needs 5 fields (minute hour day-of-month month day-of-week), it has 4"],
    ['0 0 0 * * *', "schedule '0 0 0 * * *' is not a cron expression: it needs 5 fields (minute hour day-of-month month day-of-week), it has 6"],
    ['', "schedule '' is not a cron expression: it needs 5 fields (minute hour day-of-month month day-of-week), it has 0"],
    ['60 * * * *', "schedule '60 * * * *' is not a valid cron expression: minute field '60' has 60, outside 0-59"],
    ['0 24 0 13 8', "schedule '0 24 0 13 8' is not a valid cron expression: hour field '24' has 24, outside 0-23; day-of-month field '0' has 0, outside 1-31; month field '13' has 13, outside 1-12 or JAN-DEC; day-of-week field '8' has 8, outside 0-7 or SUN-SAT"],
    ['*/0 * * * *', "schedule '*/0 * * * *' is not a valid cron expression: minute field '*/0' has a step of 0"],
    ['0 0 * * MON#2', "schedule '0 0 * * MON#2' is not a valid cron expression: day-of-week field 'MON#2' has 'MON#2', which is not 0-7 or SUN-SAT"],
    ['0 0 ? * *', "schedule '0 0 ? * *' is not a valid cron expression: day-of-month field '?' has '?', which is not 1-31"],
    ['0 17-9 * * *', "schedule '0 17-9 * * *' is not a valid cron expression: hour field '17-9' has the range '17-9', which runs backwards"],
    ['0 1,,2 * * *', "schedule '0 1,,2 * * *' is not a valid cron expression: hour field '1,,2' has an invalid item ''"],
    [{ every: 0 }, 'schedule { every: 0 } needs a positive duration (milliseconds, or a string such as \'6 hours\')'],
    [{ every: 'often' }, "schedule { every: 'often' } needs a positive duration (milliseconds, or a string such as '6 hours')"],
    [{ every: '1h', offset: '2h' }, "schedule { offset: '2h' } needs a duration from 0 up to (not including) every ('1h')"],
    [42, 'schedule must be a cron expression, an Airflow preset such as \'@daily\', or { every, offset }; got 42'],
  ])('%j is rejected', (schedule, message) => {
    expect(errorOf(schedule).message).toBe(message);
  });
});

describe('durationMs reads durations as Temporal does', () => {
  test.each([
    [1500, 1500],
    ['200', 200],
    ['5 seconds', 5000],
    ['1.5h', 5_400_000],
    ['2 mins', 120_000],
    ['10ms', 10],
    ['1 msec', 1],
    ['1w', 604_800_000],
    ['1 day', 86_400_000],
  ])('%j = %d ms', (value, ms) => {
    expect(durationMs(value)).toBe(ms);
  });

  test.each([['5 minuts'], [''], [Number.NaN], [null], ['x'.repeat(101)]])('%j is not a duration', (value) => {
    expect(durationMs(value)).toBeUndefined();
  });
});
