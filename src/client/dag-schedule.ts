import { ScheduleOverlapPolicy, type Client, type ScheduleHandle, type ScheduleOptions, type ScheduleSpec } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { DagDefinition } from '../dag/define-dag';
import { DagScheduleError, scheduleSpecFor } from '../dag/schedule-spec';

export interface DagScheduleOptions {
  /** The workflow type that runs the DAG (a workflow that calls the DAG runner). @default the DAG's `workflowType` */
  readonly workflowType?: string;
  /** @default the DAG's `taskQueue` */
  readonly taskQueue?: string;
  /** @default the DAG id */
  readonly scheduleId?: string;
  /** Arguments every run's workflow gets. @default [] */
  readonly args?: unknown[];
  /**
   * What a run due while an earlier one still runs does. @default ALLOW_ALL: runs overlap, as Airflow's runs do up to
   * `max_active_runs` (each run has its own workflow id: the DAG id plus its scheduled time).
   */
  readonly overlap?: ScheduleOverlapPolicy;
}

/** How late a missed run may still start when the DAG has `catchup: false` (Temporal's catch-up window). */
export const NO_CATCHUP_WINDOW = '1 minute';

/**
 * Creates the Temporal Schedule that runs a DAG on its `schedule` (Airflow's scheduler). Each run is a workflow
 * `workflowType` with id `<dagId>-<scheduled time>`, and its logical date is the time the schedule meant it for
 * (the `TemporalScheduledStartTime` search attribute, which `currentDagRun()` reads). `startDate` is the
 * schedule's `startAt`. `catchup: true` backfills every run due between `startDate` and now right after creating
 * (Airflow's catchup); `catchup: false` only lets a missed run start up to a minute late. `@once` is one run at
 * `startDate` (or now), backfilled when that time has passed.
 */
export async function createDagSchedule(client: Client, dag: DagDefinition, options: DagScheduleOptions = {}): Promise<ScheduleHandle> {
  const { schedule, startDate, catchup = false } = dag.options;
  let parts: ReturnType<typeof scheduleSpecFor>;
  try {
    parts = scheduleSpecFor(schedule);
  } catch (err) {
    if (err instanceof DagScheduleError) throw new DagScheduleError(`DAG '${dag.dagId}': ${err.message}`);
    throw err;
  }
  const workflowType = options.workflowType ?? dag.options.workflowType;
  const taskQueue = options.taskQueue ?? dag.options.taskQueue;
  if (workflowType === undefined || taskQueue === undefined) {
    throw new DagScheduleError(`DAG '${dag.dagId}': createDagSchedule needs a workflowType and a taskQueue, from its options or the DAG's`);
  }
  // `@once` runs at its start date, whatever catchup says (as Airflow's OnceTimetable does); no start date: now.
  const onceAt = 'once' in parts ? new Date(Math.floor((startDate ?? new Date()).getTime() / 1000) * 1000) : undefined;
  const spec: ScheduleSpec =
    'cronExpressions' in parts
      ? { cronExpressions: [...parts.cronExpressions] }
      : 'intervals' in parts
        ? { intervals: parts.intervals.map((i) => ({ every: i.every as Duration, ...(i.offset !== undefined && { offset: i.offset as Duration }) })) }
        : { cronExpressions: [instantCron(onceAt!)] };
  if (startDate) spec.startAt = startDate;

  const scheduleOptions: ScheduleOptions = {
    scheduleId: options.scheduleId ?? dag.dagId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType,
      taskQueue,
      workflowId: dag.dagId,
      args: options.args ?? [],
    },
    policies: {
      overlap: options.overlap ?? ScheduleOverlapPolicy.ALLOW_ALL,
      ...(!catchup && { catchupWindow: NO_CATCHUP_WINDOW }),
    },
    memo: { dagId: dag.dagId },
    ...(onceAt && { state: { remainingActions: 1 } }),
  };
  const handle = await client.schedule.create(scheduleOptions);

  const now = new Date();
  if (onceAt && onceAt.getTime() <= now.getTime()) {
    // Its one time has passed: the schedule would never reach it, so a backfill around it starts the run.
    await handle.backfill([{ start: new Date(onceAt.getTime() - 1000), end: new Date(now.getTime() + 1000), overlap: ScheduleOverlapPolicy.ALLOW_ALL }]);
  } else if (catchup && startDate && startDate.getTime() <= now.getTime()) {
    await handle.backfill([{ start: startDate, end: now, overlap: ScheduleOverlapPolicy.ALLOW_ALL }]);
  }
  return handle;
}

/** A 7-field Temporal cron expression (second … year) that matches one instant only. */
function instantCron(at: Date): string {
  return [at.getUTCSeconds(), at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, '*', at.getUTCFullYear()].join(' ');
}
