import type { AuditActor } from '../../audit/audit-actor';
import type { CleanupActivities, CleanupStepReport } from '../../common/cleanup-plan';
import type { RetentionResult } from '../../store/retention/types';
import { heartbeating, retentionOf, sweepHeartbeating } from '../retention-in-activity';
import type { XComRuntime } from '../runtime';
import { toApplicationFailure } from '../to-application-failure';

/** Who deletes, in the audit trail: the cleanup schedule's workflow. */
const CLEANUP: AuditActor = { kind: 'retention', name: 'xcomCleanup' };

/** The steps of `xcomCleanup` (the workflow a cleanup schedule runs): each heartbeats as its batches commit. */
export function createCleanupActivities(runtime: XComRuntime): CleanupActivities {
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toApplicationFailure(err);
    }
  };
  return {
    __xcom_cleanup_purge: (request) =>
      run(async () => {
        const store = retentionOf(await runtime.store(), 'purge');
        return step('purge', await store.purge(heartbeating({ ...request, actor: CLEANUP })));
      }),
    __xcom_cleanup_keep_latest: (request) =>
      run(async () => {
        const store = retentionOf(await runtime.store(), 'keepLatestRuns');
        return { ...step('keepLatestRuns', await store.keepLatestRuns(heartbeating({ ...request, actor: CLEANUP }))), dagId: request.dagId };
      }),
    __xcom_cleanup_trim_ledger: (request) =>
      run(async () => {
        const store = retentionOf(await runtime.store(), 'trimLedger');
        return step('trimLedger', await store.trimLedger(heartbeating({ ...request })));
      }),
    __xcom_cleanup_sweep: (request) =>
      run(async () => {
        const result = await sweepHeartbeating(await runtime.store(), { dryRun: request.dryRun });
        return { step: 'sweepObjects', runs: 0, entries: 0, bytes: result.deletedBytes, ledger: 0, objects: result.deleted };
      }),
  };
}

function step(name: CleanupStepReport['step'], result: RetentionResult): CleanupStepReport {
  return { step: name, runs: result.runs, entries: result.entries, bytes: result.bytes, ledger: result.ledger, objects: 0 };
}
