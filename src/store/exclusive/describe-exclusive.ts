/** What a stored entry says of its key's exclusivity (columns `exclusive_writer`, `exclusive_readers`). */
export interface StoredExclusivity {
  readonly exclusiveWriter?: string | null;
  readonly exclusiveReaders?: readonly string[] | null;
}

/**
 * One line for people (`xcom get`, the web page): who alone may write the key and who alone may read it, or
 * undefined when its push declared neither.
 */
export function describeExclusive(entry: StoredExclusivity): string | undefined {
  const writer = entry.exclusiveWriter ?? null;
  const readers = entry.exclusiveReaders ?? null;
  if (writer === null && readers === null) return undefined;
  const parts = [writer === null ? 'any task may write it' : `only ${writer} may write it`];
  parts.push(readers === null ? 'any task may read it' : `only ${[...readers].join(', ')} may read it (besides the task that wrote it)`);
  return parts.join('; ');
}
