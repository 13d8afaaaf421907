import type { XComStore } from '../../store/xcom-store';
import type { CliOptions } from '../cli-options';
import { ENTRY_COLUMNS, entryCells } from '../entry-cells';
import { formatTable } from '../format-table';

export async function listCommand(store: XComStore, options: CliOptions, out: (line: string) => void): Promise<void> {
  const records = await store.getMany(
    {
      dagIds: options.dag,
      runId: options.run,
      taskIds: options.task,
      key: options.key,
      mapIndexes: options.mapIndex,
      limit: options.limit,
    },
    { values: false },
  );
  if (options.json) {
    for (const { value: _value, ...meta } of records) out(JSON.stringify(meta));
    return;
  }
  if (records.length === 0) return out('no XCom entries match');
  const rows = records.map((r) => [r.dagId, r.runId, ...entryCells(r), r.encoding, r.updatedAt.toISOString()]);
  out(formatTable(['dag_id', 'run_id', ...ENTRY_COLUMNS, 'encoding', 'updated_at'], rows));
  if (records.length === options.limit) out(`(showing the first ${options.limit}; --limit N shows more)`);
}
