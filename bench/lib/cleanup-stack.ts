/**
 * Undo steps registered while a bench sets up services, databases and buckets. `close()` runs them newest first,
 * keeps going past failures (and reports them together), and is safe to call twice.
 */
export interface CleanupStack {
  readonly push: (cleanup: () => Promise<unknown>) => void;
  readonly close: () => Promise<void>;
}

export function cleanupStack(): CleanupStack {
  const cleanups: (() => Promise<unknown>)[] = [];
  let closing: Promise<void> | undefined;
  return {
    push: (cleanup) => void cleanups.push(cleanup),
    close: () =>
      (closing ??= (async () => {
        const errors: unknown[] = [];
        for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => errors.push(err));
        if (errors.length > 0) throw new AggregateError(errors, 'bench cleanup failed');
      })()),
  };
}
