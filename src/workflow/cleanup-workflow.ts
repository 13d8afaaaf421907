// Sandbox code: may import only @temporalio/workflow and src/common.
import { proxyActivities } from '@temporalio/workflow';
import type { CleanupActivities, CleanupPlan, CleanupReport, CleanupStepReport } from '../common/cleanup-plan';

export type { CleanupPlan, CleanupReport, CleanupStepReport } from '../common/cleanup-plan';

// Each step heartbeats after every batch: a worker lost mid-purge is noticed within a minute and the step is retried
// (a purge is idempotent: a retry goes on where the last committed batch left off).
const steps = proxyActivities<CleanupActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

/**
 * XCom retention as a workflow: the purge by age, keep-latest per DAG, ledger trimming, then the object sweep.
 * Register it on a worker with the plugin (`export { xcomCleanup } from 'temporal-xcom/workflow'` in the workflows
 * file) and run it on a schedule with `createCleanupSchedule`.
 */
export async function xcomCleanup(plan: CleanupPlan = {}): Promise<CleanupReport> {
  const dryRun = plan.dryRun ?? false;
  const report: CleanupStepReport[] = [];
  if (plan.olderThan !== undefined) {
    report.push(await steps.__xcom_cleanup_purge({ olderThan: plan.olderThan, dagIds: dagIdList(plan), batchSize: plan.batchSize, dryRun }));
  }
  for (const { dagId, keep } of plan.keepLatestRuns ?? []) {
    report.push(await steps.__xcom_cleanup_keep_latest({ dagId, keep, batchSize: plan.batchSize, dryRun }));
  }
  const ledgerRetention = plan.ledgerRetention ?? plan.olderThan;
  if (ledgerRetention !== undefined) report.push(await steps.__xcom_cleanup_trim_ledger({ olderThan: ledgerRetention, dryRun }));
  if (plan.sweepObjects ?? true) report.push(await steps.__xcom_cleanup_sweep({ dryRun }));
  return { dryRun, steps: report };
}

/** The plan's DAGs as a list, from `dagId` (one id or a list) or its old spelling `dagIds`. */
function dagIdList(plan: CleanupPlan): readonly string[] | undefined {
  const given = plan.dagId ?? plan.dagIds;
  return given === undefined ? undefined : typeof given === 'string' ? [given] : given;
}
