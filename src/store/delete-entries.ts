import { actorParams, type AuditActor } from '../audit/audit-actor';
import { deleteAuditCte, type DeleteAuditColumn } from '../audit/delete-audit';
import type { SqlEngine } from '../engines/sql-engine';

/**
 * Deletes the entries matching `where` (over `params`) and records them in the ledger as deleted, and the deletion in
 * the audit trail (one row per `auditBy` group, naming `actor`), in one statement; their objects are left to the
 * sweeper. Returns how many entries it removed.
 */
export async function deleteEntries(
  engine: SqlEngine,
  schema: string,
  where: string,
  params: unknown[],
  actor: AuditActor,
  auditBy: readonly DeleteAuditColumn[],
): Promise<number> {
  const bound = [...params];
  const [kind, name] = actorParams(actor);
  const kindParam = `$${bound.push(kind)}::text`;
  const actorParam = `$${bound.push(name)}::text`;
  const [row] = await engine.query<{ n: number }>(
    `with removed as (
       delete from ${schema}.entries where ${where}
         returning dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes,
                   object_key),
     ledger as (
       insert into ${schema}.ledger (dag_id, run_id, task_id, map_index, key, attempt, fence,
         temporal_run_id, digest, size_bytes, object_key, outcome)
       select dag_id, run_id, task_id, map_index, key, attempt, fence, temporal_run_id, digest, size_bytes,
              object_key, 'deleted' from removed),
     ${deleteAuditCte(schema, 'removed', auditBy, kindParam, actorParam)}
     select count(*)::int as n from removed`,
    bound,
  );
  return row?.n ?? 0;
}
