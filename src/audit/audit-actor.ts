/**
 * Who removed entries, as the audit trail records it (docs/audit.md). `task`: activity code (`xcom.purge`,
 * `xcom.clearRun`, …) or a task attempt's reads; `retention`: the cleanup schedule's workflow; `cli`: the `xcom`
 * command line; `client`: `XComClient` or a store used directly outside a worker.
 */
export type AuditActorKind = 'task' | 'retention' | 'cli' | 'client';

export interface AuditActor {
  readonly kind: AuditActorKind;
  /** Who, in words: `alice: xcom purge`, `etl/run-1/load attempt 2`. */
  readonly name?: string;
}

/** What a store records when nobody said who is calling. */
export const CLIENT_ACTOR: AuditActor = { kind: 'client' };

/** The two audit columns (`actor_kind`, `actor`) of an actor, as statement parameters. */
export function actorParams(actor: AuditActor): [string, string | null] {
  return [actor.kind, actor.name ?? null];
}
