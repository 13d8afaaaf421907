import type { Info } from '@temporalio/activity';
import type { XComRef } from '../common/xcom-ref';
import { formatIdentity } from '../store/identity';
import { grantingRule, type AccessPolicy, type AccessSubject } from './access-policy';
import { refMacProblem, signRef } from './ref-mac';
import type { RunOwners } from './run-owners';
import { XComAccessDeniedError, XComForgedRefError } from './security-errors';
import type { SigningKeys } from './signing-key';

/** The DAG a workflow claims to run, and the task asking (for messages). Claims come from workflow code: checked. */
export interface DagClaim {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
}

/** A DAG a plugin on this worker was given, as far as the policy cares. */
export type KnownDagLookup = (dagId: string) => { readonly workflowType?: string } | undefined;

const POLICY_SETTING = "XCOM_ACCESS_POLICY or new XComPlugin({ accessPolicy }) (docs/access-policy.md)";

/**
 * What a worker enforces about refs and DAG access (SECURITY.md). Everything it decides on comes from Temporal
 * (the activity's workflow type, workflow id, task queue, namespace) or from this worker's configuration; what the
 * workflow says (headers, arguments, local activity requests) is a claim it checks.
 */
export class WorkerSecurity {
  constructor(
    readonly keys: SigningKeys,
    readonly policy: AccessPolicy,
    private readonly knownDag: KnownDagLookup,
    private readonly owners: RunOwners | undefined,
  ) {}

  sign(ref: XComRef): XComRef {
    return signRef(this.keys, ref);
  }

  /** Why a ref cannot be trusted, or undefined when it verifies. */
  refProblem(ref: XComRef): string | undefined {
    return refMacProblem(this.keys, ref);
  }

  subject(info: Info): AccessSubject {
    return {
      workflowType: info.workflowType ?? info.activityType,
      taskQueue: info.taskQueue,
      namespace: info.workflowNamespace ?? info.activityNamespace,
    };
  }

  /**
   * The DAG run a workflow claims is its own: the run id is its workflow id, and the policy lets its workflow type
   * write the DAG. Reads and writes both start here (a workflow reads its own DAG freely, so the claim matters).
   */
  verifyClaim(info: Info, claim: DagClaim, operation: string): void {
    const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
    if (claim.runId !== workflowId) {
      throw new XComAccessDeniedError(
        claim.dagId,
        `${operation}: task '${claim.taskId}' claims run '${claim.runId}' of DAG '${claim.dagId}', but it runs in workflow ` +
          `'${workflowId}': a task writes and reads as its own workflow's run only (the run id is always the workflow id)`,
      );
    }
    this.assertWrite(info, claim, operation);
  }

  /** The policy lets this workflow's type write `claim.dagId` (its own type, a DAG registered here, or a rule). */
  assertWrite(info: Info, claim: Omit<DagClaim, 'runId'>, operation: string): void {
    const subject = this.subject(info);
    if (this.#writeRule(subject, claim.dagId) !== undefined) return;
    const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
    throw new XComAccessDeniedError(
      claim.dagId,
      `${operation}: task '${claim.taskId}' of ${describeSubject(subject, workflowId)} may not write DAG '${claim.dagId}': ` +
        `the default rule lets a workflow write only under its own workflow type ('${subject.workflowType}') and the DAGs ` +
        `registered with this worker, and no rule of the access policy grants it. Register the DAG (new XComPlugin({ dags })) ` +
        `or add { "write": ["${claim.dagId}"] } for this workflow type to ${POLICY_SETTING}`,
    );
  }

  /**
   * Starting a run of `dagId` from a task: a DAG registered with this worker may be triggered by any of its tasks
   * (the operator put it there); any other DAG needs the right to write it.
   */
  assertTrigger(info: Info, claim: Omit<DagClaim, 'runId'>, operation: string): void {
    if (this.knownDag(claim.dagId)) return;
    this.assertWrite(info, claim, operation);
  }

  /** `verifyClaim`, then the run's owner: a run first written by another workflow type cannot be written into. */
  async admitWriter(info: Info, claim: DagClaim, operation: string): Promise<void> {
    this.verifyClaim(info, claim, operation);
    if (!this.owners) return;
    const subject = this.subject(info);
    const owner = await this.owners.claim(claim.dagId, claim.runId, subject.workflowType);
    if (owner !== subject.workflowType) {
      throw new XComAccessDeniedError(
        claim.dagId,
        `${operation}: task '${claim.taskId}' of workflow type '${subject.workflowType}' may not write run '${claim.runId}' ` +
          `of DAG '${claim.dagId}': the run belongs to workflow type '${owner}', whose tasks wrote it first (rule: a run ` +
          `is written only by the workflow type that created it). Start the new workflow with another workflow id`,
      );
    }
  }

  /** A read of `dagId` by a workflow whose (verified) DAG is `reader.dagId`: its own DAG, or one the policy grants. */
  assertRead(info: Info, reader: Omit<DagClaim, 'runId'>, dagId: string, operation: string): void {
    if (dagId === reader.dagId) return;
    const subject = this.subject(info);
    if (grantingRule(this.policy, subject, 'read', dagId).allowed) return;
    if (this.#writeRule(subject, dagId) !== undefined) return;
    throw new XComAccessDeniedError(
      dagId,
      `${operation}: task '${reader.taskId}' of DAG '${reader.dagId}' (${describeSubject(subject)}) may not read DAG '${dagId}': ` +
        `the default rule lets a workflow read only its own DAG, and no rule of the access policy grants it. Add ` +
        `{ "read": ["${dagId}"] } for this workflow type to ${POLICY_SETTING}`,
    );
  }

  /** A wait registers a signal to its own workflow execution only, never to another one it names. */
  assertSubscriber(info: Info, subscriber: { namespace: string; workflowId: string; workflowRunId: string }): void {
    const own = { namespace: info.workflowNamespace, workflowId: info.workflowExecution?.workflowId, workflowRunId: info.workflowExecution?.runId };
    if (subscriber.namespace === own.namespace && subscriber.workflowId === own.workflowId && subscriber.workflowRunId === own.workflowRunId) return;
    throw new XComAccessDeniedError(
      '',
      `waitForXCom: a wait of workflow '${own.workflowId ?? '?'}' asks to signal workflow '${subscriber.workflowId}' ` +
        `(run ${subscriber.workflowRunId}, namespace ${subscriber.namespace}): a wait signals only the workflow that waits`,
    );
  }

  /** A ref from a workflow: its MAC must verify, and its DAG must be readable by the reader. */
  assertRef(info: Info, reader: Omit<DagClaim, 'runId'>, ref: XComRef, where: string, operation: string): void {
    const problem = this.refProblem(ref);
    if (problem !== undefined) {
      throw new XComForgedRefError(
        where,
        `${operation}: ${where} of task '${reader.taskId}' is an XComRef to ${formatIdentity(ref)} that cannot be trusted: ` +
          `${problem}. Refs come only from workers (task results, xcom.ref, pulls and waits); workflow input cannot make one`,
      );
    }
    this.assertRead(info, reader, ref.dagId, operation);
  }

  #writeRule(subject: AccessSubject, dagId: string): string | undefined {
    if (dagId === subject.workflowType) return 'default: its own workflow type';
    const known = this.knownDag(dagId);
    if (known && (known.workflowType === undefined || known.workflowType === subject.workflowType)) {
      return 'default: a DAG registered with this worker';
    }
    const granted = grantingRule(this.policy, subject, 'write', dagId);
    return granted.allowed ? granted.rule : undefined;
  }
}

function describeSubject(subject: AccessSubject, workflowId?: string): string {
  const which = workflowId === undefined ? 'workflow' : `workflow '${workflowId}'`;
  return `${which} (type '${subject.workflowType}', task queue '${subject.taskQueue}', namespace '${subject.namespace}')`;
}
