import type { Info } from '@temporalio/activity';
import { admitRefs } from './admit-refs';
import { attemptAccess, type AttemptAccess } from './attempt-access';
import type { DagClaim, WorkerSecurity } from './worker-security';

/**
 * Before a task runs: the run its workflow claims (task header) must be its own and writable by its workflow type,
 * and every ref in its arguments must verify. Returns what the attempt may do beyond that.
 */
export async function admitTask(security: WorkerSecurity, info: Info, task: DagClaim, args: readonly unknown[]): Promise<AttemptAccess> {
  const operation = `activity ${info.activityType}`;
  await security.admitWriter(info, task, operation);
  admitRefs(security, info, task, args, operation);
  return attemptAccess(security, info, task);
}
