import { ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { CleanupPlan } from '../common/cleanup-plan';
import { XComConfigError } from '../errors';

export interface CleanupScheduleOptions extends CleanupPlan {
  /** The task queue of a worker that has the plugin and registers `xcomCleanup`. */
  readonly taskQueue: string;
  /** How often: a duration (`'1 day'`), or use `cron`. */
  readonly every?: Duration;
  /** A cron expression (`'0 2 * * *'`: daily at 2 AM, as the seed's `xcom_cleanup_dag`). */
  readonly cron?: string;
  /** @default 'xcom-cleanup' */
  readonly scheduleId?: string;
  /** @default 'xcomCleanup' */
  readonly workflowType?: string;
}

/**
 * A Temporal Schedule that runs the XCom cleanup (`xcomCleanup`) with `plan` every `every` (or on `cron`). One run at
 * a time: a cleanup still running when the next is due makes that one skip.
 */
export async function createCleanupSchedule(client: Client, options: CleanupScheduleOptions): Promise<ScheduleHandle> {
  if ((options.every === undefined) === (options.cron === undefined)) {
    throw new XComConfigError('createCleanupSchedule: give exactly one of `every` (a duration) and `cron`');
  }
  const { taskQueue, every, cron, scheduleId, workflowType, ...plan } = options;
  const id = scheduleId ?? 'xcom-cleanup';
  return client.schedule.create({
    scheduleId: id,
    spec: every !== undefined ? { intervals: [{ every }] } : { cronExpressions: [cron!] },
    action: { type: 'startWorkflow', workflowType: workflowType ?? 'xcomCleanup', taskQueue, workflowId: id, args: [plan] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
  });
}
