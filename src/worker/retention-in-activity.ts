import { Context } from '@temporalio/activity';
import { XComConfigError } from '../errors';
import type { XComBackend } from '../store/backend';
import type { SweepOptions, SweepResult } from '../store/object-sweeper';
import { isRetentionBackend, type RetentionBackend } from '../store/retention/retention-backend';

/** The backend's retention operations, or an error naming what to configure. */
export function retentionOf(store: XComBackend, operation: string): RetentionBackend {
  if (!isRetentionBackend(store)) {
    throw new XComConfigError(`xcom.${operation}: the worker's XCom backend has no retention operations (use XComStore)`);
  }
  return store;
}

/**
 * Options whose progress callback heartbeats (with the running totals as details), so a purge of millions of
 * rows in an activity with a heartbeat timeout stays alive and a retry can see how far it got.
 */
export function heartbeating<T extends object>(options: T): T {
  const context = activeContext();
  if (!context) return options;
  const own = (options as { onProgress?: (progress: unknown) => void }).onProgress;
  const onProgress = (progress: unknown) => {
    context.heartbeat(progress);
    own?.(progress);
  };
  return { ...options, onProgress };
}

/** `store.sweepObjects` with heartbeats between batches. */
export function sweepHeartbeating(store: XComBackend, options: SweepOptions): Promise<SweepResult> {
  const sweeper = store as Partial<{ sweepObjects(o: SweepOptions): Promise<SweepResult> }>;
  if (typeof sweeper.sweepObjects !== 'function') {
    throw new XComConfigError('xcom.sweepObjects: the worker\'s XCom backend has no object sweeper (use XComStore)');
  }
  const context = activeContext();
  return sweeper.sweepObjects({
    ...options,
    onProgress: (progress) => {
      context?.heartbeat(progress);
      options.onProgress?.(progress);
    },
  });
}

function activeContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
