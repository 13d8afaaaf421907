import type { XComEntryMeta } from '../store/types';

/** The columns every XCom table shows about an entry, and their cells. */
export const ENTRY_COLUMNS = ['task_id', 'map_index', 'key', 'attempt', 'size', 'stored'] as const;

export function entryCells(entry: XComEntryMeta): string[] {
  return [
    entry.taskId,
    String(entry.mapIndex),
    entry.key,
    String(entry.attempt),
    String(entry.sizeBytes),
    entry.objectKey === null ? 'inline' : 'object',
  ];
}
