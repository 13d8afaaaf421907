import { XComIdentityError } from '../errors';

/** A filter's DAG ids, spelled `dagId` (one or a list) or, as before, `dagIds`. */
export interface DagIdFilter {
  readonly dagId?: string | readonly string[];
  /** @deprecated use `dagId`, which takes one id or a list */
  readonly dagIds?: string | readonly string[];
}

/** The DAG ids a filter names, whichever spelling it used; both spellings naming different DAGs is an error. */
export function dagIdsOf(filter: DagIdFilter, where: string): string | readonly string[] | undefined {
  const { dagId, dagIds } = filter;
  if (dagId !== undefined && dagIds !== undefined && JSON.stringify([dagId].flat()) !== JSON.stringify([dagIds].flat())) {
    throw new XComIdentityError('dagId', `${where}: give dagId only (dagIds is its old spelling), not both with different DAGs`);
  }
  return dagId ?? dagIds;
}
