// Pure module: imported by sandboxed workflow code and by Node code alike. No imports.

/**
 * A small stand-in for an XCom value that is too large for workflow history. It names the entry and pins its
 * content by digest; the activity interceptor turns it back into the value before a task runs.
 */
export interface XComRef {
  readonly $xcomRef: 1;
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly key: string;
  /** Serialized size of the value. */
  readonly sizeBytes: number;
  /** Hex SHA-256 of the serialized value: a resolved ref must match it. */
  readonly digest: string;
  /** Number of items when the value is an array. */
  readonly length?: number;
  /** Id of the worker-held key that signed this ref (set by workers, never by workflow code). */
  readonly keyId?: string;
  /** HMAC-SHA-256 over identity, size, digest and length under that key: only refs whose MAC verifies resolve. */
  readonly mac?: string;
}

/** A task result as the workflow sees it: the value, or a ref when the value was too large for history. */
export type XComResult<T> = T | XComRef;

export function isXComRef(value: unknown): value is XComRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $xcomRef?: unknown }).$xcomRef === 1 &&
    typeof (value as { digest?: unknown }).digest === 'string'
  );
}

/**
 * The ref to an entry, from its identity, size and digest; `length` when its value is known to be an array. Unsigned:
 * workers sign it (src/security/ref-mac.ts) before handing it to a workflow.
 */
export function entryRef(entry: Omit<XComRef, '$xcomRef' | 'length' | 'keyId' | 'mac'>, value?: unknown): XComRef {
  const { dagId, runId, taskId, mapIndex, key, sizeBytes, digest } = entry;
  return {
    $xcomRef: 1,
    dagId,
    runId,
    taskId,
    mapIndex,
    key,
    sizeBytes,
    digest,
    ...(Array.isArray(value) && { length: value.length }),
  };
}
