// The tasks of the seed's `xcom_cleanup_dag`, written with the retention API (not SQL against the store's tables).
import { xcom } from '../../src';

/** The seed's `cleanup_old_xcom`: runs older than `maxAgeDays` go, with their entries and ledger. */
export async function cleanupOldXcom(maxAgeDays: number): Promise<{ runs: number; entries: number }> {
  const { runs, entries } = await xcom.purge({ olderThan: `${maxAgeDays} days` });
  return { runs, entries };
}

/** The seed's `cleanup_xcom_by_dag`: only the `keepLatest` newest runs of `dagId` keep their XComs. */
export async function cleanupXcomByDag(dagId: string, keepLatest: number): Promise<{ runs: number; entries: number }> {
  const { runs, entries } = await xcom.keepLatestRuns({ dagId, keep: keepLatest });
  return { runs, entries };
}

/**
 * The seed's `compress_large_xcom`: inline values of at least `minSizeKb` move to the object store, compressed, when
 * that stores fewer bytes (values at or above the inline threshold are in the object store already).
 */
export async function compressLargeXcom(minSizeKb: number): Promise<{ moved: number; savedBytes: number }> {
  const { moved, savedBytes } = await xcom.compressInline({ minBytes: minSizeKb * 1024 });
  return { moved, savedBytes };
}
