import type { Info } from '@temporalio/activity';
import type { XComRef } from '../common/xcom-ref';
import type { DagClaim, WorkerSecurity } from './worker-security';

/** What a task attempt may do beyond its own run, decided by the worker's security for this activity. */
export interface AttemptAccess {
  /** A ref the workflow may be handed (signed). */
  sign(ref: XComRef): XComRef;
  /** Throws unless the task may read `dagId` (its own DAG, or one the policy grants). */
  assertRead(dagId: string, operation: string): void;
  /** Throws unless the task may start runs of `dagId` (a DAG registered with this worker, or one it may write). */
  assertTrigger(dagId: string, operation: string): void;
  /**
   * Throws unless the task may delete or rewrite entries of every DAG in `dagIds` (retention from activity code): it
   * may write each. Undefined means every DAG, which only a `"write": ["*"]` rule grants.
   */
  assertDelete(dagIds: string | readonly string[] | undefined, operation: string): void;
}

/** What a retention call without a DAG filter covers, as an access policy names it. */
export const EVERY_DAG = '*';

/** For a store used outside a worker (tests, tools): refs unsigned, nothing checked. */
export const UNCHECKED_ACCESS: AttemptAccess = {
  sign: (ref) => ref,
  assertRead: () => undefined,
  assertTrigger: () => undefined,
  assertDelete: () => undefined,
};

export function attemptAccess(security: WorkerSecurity, info: Info, task: DagClaim): AttemptAccess {
  return {
    sign: (ref) => security.sign(ref),
    assertRead: (dagId, operation) => security.assertRead(info, task, dagId, operation),
    assertTrigger: (dagId, operation) => security.assertTrigger(info, { dagId, taskId: task.taskId }, operation),
    assertDelete: (dagIds, operation) => {
      const named = dagIds === undefined ? [EVERY_DAG] : typeof dagIds === 'string' ? [dagIds] : dagIds;
      for (const dagId of named) security.assertWrite(info, { dagId, taskId: task.taskId }, operation);
    },
  };
}
