import { ENTRY_COLUMNS, entryCells } from '../src/cli/entry-cells';
import { formatTable } from '../src/cli/format-table';
import type { XComBackend } from '../src/store/backend';

/** Prints every XCom of a DAG run as a table, with a one-line preview of each value. */
export async function printRunXComs(store: XComBackend, dagId: string, runId: string): Promise<void> {
  const records = await store.getMany({ dagIds: dagId, runId });
  const sorted = [...records].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.taskId.localeCompare(b.taskId) || a.key.localeCompare(b.key));
  const rows = sorted.map((r) => [...entryCells(r), preview(r.value)]);
  process.stdout.write(`XComs of ${dagId} / ${runId} (${records.length}):\n`);
  process.stdout.write(`${formatTable([...ENTRY_COLUMNS, 'value'], rows)}\n`);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}
