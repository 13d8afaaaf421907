import type { XComStore } from '../../store/xcom-store';
import { boundedCount, type RowCount } from '../queries/bounded-count';

/** Above this many rows `xcom status` reports the planner's estimate instead of counting (unless `--exact`). */
export const EXACT_COUNT_LIMIT = 100_000;

export interface StoreCounts {
  readonly runs: RowCount;
  readonly entries: RowCount;
  /** Entries whose value is in the object store. */
  readonly objects: RowCount;
}

export async function storeCounts(store: XComStore, exact: boolean): Promise<StoreCounts> {
  const schema = store.schema;
  const count = (table: string, estimateFrom: string, where?: string) =>
    boundedCount(store.engine, { schema, table, where, estimateFrom }, EXACT_COUNT_LIMIT, exact);
  return {
    runs: await count('dag_runs', 'dag_runs'),
    entries: await count('entries', 'entries'),
    // entries_by_object is a partial index on exactly these rows: its statistics estimate their number.
    objects: await count('entries', 'entries_by_object', 'object_key is not null'),
  };
}
