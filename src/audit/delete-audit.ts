/** Entry columns a delete's audit row can name; the rest stay null (a run's purge names no task or key). */
export type DeleteAuditColumn = 'dag_id' | 'run_id' | 'task_id' | 'map_index' | 'key' | 'digest';

const COLUMNS: readonly DeleteAuditColumn[] = ['dag_id', 'run_id', 'task_id', 'map_index', 'key', 'digest'];

/**
 * A `WITH` item (`audited_deletes as (…)`) for a statement that deletes entries: one `delete` audit row per group of
 * the removed rows (`removed`, a CTE returning at least the `names` columns), with how many it removed and who did it
 * (`kind` and `actor`: the statement's parameters holding them). Part of the deleting statement: no round trip.
 */
export function deleteAuditCte(
  schema: string,
  removed: string,
  names: readonly DeleteAuditColumn[],
  kind: string,
  actor: string,
): string {
  const values = COLUMNS.map((c) => (names.includes(c) ? c : `null::${c === 'map_index' ? 'integer' : 'text'}`));
  return `audited_deletes as (
     insert into ${schema}.audit (action, actor_kind, actor, ${COLUMNS.join(', ')}, entries)
     select 'delete', ${kind}, ${actor}, ${values.join(', ')}, count(*)::int
       from ${removed} group by ${names.join(', ')})`;
}
