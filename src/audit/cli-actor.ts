import { userInfo } from 'node:os';
import type { AuditActor } from './audit-actor';

/** Who deletes through an `xcom` command, in the audit trail: the OS user and the command. */
export function cliActor(command: string): AuditActor {
  let user = 'unknown user';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): the command is still worth recording.
  }
  return { kind: 'cli', name: `${user}: xcom ${command}` };
}
