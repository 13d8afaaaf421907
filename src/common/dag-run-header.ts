// Pure module: imported by sandboxed workflow code and by Node code alike. No imports.

/**
 * Temporal header carrying a DAG run's state to the next execution on continue-as-new, so the run keeps its DAG id,
 * logical date and task-id numbering. Identity only: headers are not encrypted.
 */
export const DAG_RUN_HEADER = 'xcom-dag-run';

/** What one execution hands to the next. */
export interface DagRunHeader {
  readonly v: 1;
  /** Set only when the workflow named its DAG with `setDagRun`; otherwise the new execution's type is the DAG id. */
  readonly dagId?: string;
  /** ISO 8601 logical date the run had when it continued as new. */
  readonly logicalDate: string;
  /** How many default task ids each activity type has used (`extract` → 2 means `extract`, `extract__1` are taken). */
  readonly defaultIdsUsed: Readonly<Record<string, number>>;
}

/**
 * The header's content when it is well formed, else undefined: a malformed header is ignored (the execution starts
 * a fresh numbering) rather than failing the workflow task over and over.
 */
export function parseDagRunHeader(value: unknown): DagRunHeader | undefined {
  if (!isRecord(value) || value.v !== 1) return undefined;
  const { dagId, logicalDate, defaultIdsUsed } = value;
  if (dagId !== undefined && (typeof dagId !== 'string' || dagId === '')) return undefined;
  if (typeof logicalDate !== 'string' || Number.isNaN(new Date(logicalDate).getTime())) return undefined;
  if (!isRecord(defaultIdsUsed)) return undefined;
  const counters = Object.entries(defaultIdsUsed);
  if (!counters.every(([type, used]) => type !== '' && typeof used === 'number' && Number.isSafeInteger(used) && used >= 0)) {
    return undefined;
  }
  // fromEntries defines own properties: a `__proto__` activity type stays a counter.
  return { v: 1, ...(dagId !== undefined && { dagId }), logicalDate, defaultIdsUsed: Object.fromEntries(counters) as Record<string, number> };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
