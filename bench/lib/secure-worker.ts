import { randomBytes } from 'node:crypto';
import type { Info } from '@temporalio/activity';
import { encryptionKeyring, type EncryptionKeyring } from '../../src/codec/encryption-keys';
import { signingKeys, type SigningKeyInput } from '../../src/security/signing-key';
import { WorkerSecurity } from '../../src/security/worker-security';

/**
 * What "security on" means in the benches, shared so bench:store and bench:overhead turn on the same things:
 * an AES-256 key for values at rest (`XCOM_ENCRYPTION_KEYS`) and an HMAC key for refs (`XCOM_SIGNING_KEY`), fresh
 * per run.
 */
export function benchEncryptionKeys(): EncryptionKeyring {
  return encryptionKeyring([{ id: 'bench', key: randomBytes(32) }]);
}

export function benchSigningKey(): SigningKeyInput {
  return { id: 'bench', secret: randomBytes(32) };
}

/** A worker's ref signing and policy checks with no access policy and no run-owner table (no database claim). */
export function benchWorkerSecurity(): WorkerSecurity {
  return new WorkerSecurity(signingKeys([benchSigningKey()], 'bench'), {}, () => undefined, undefined);
}

/** The fields of an activity's `Info` that the security checks read, for running them outside Temporal. */
export function benchActivityInfo(workflowType: string, workflowId: string): Info {
  const info: Partial<Info> = {
    workflowType,
    workflowExecution: { workflowId, runId: workflowId },
    taskQueue: 'bench',
    workflowNamespace: 'default',
    activityType: 'task',
    activityId: 'task',
    attempt: 1,
  };
  return info as Info;
}
