// Pure module: imported by sandboxed DAG code (`.map()` functions) and by activities alike. No imports.

/** The ApplicationFailure type a skipped task instance fails its activity with; the DAG runner reads it as `skipped`. */
export const XCOM_SKIP_TYPE = 'XComSkip';

/**
 * Thrown by a task, or by a `.map()` function for one item, to end that task instance as `skipped` rather than
 * failed (Airflow's `AirflowSkipException`). It is not retried; downstream tasks see a skipped upstream and follow
 * their trigger rules, so under `all_success` they are skipped too. A skipped attempt publishes nothing.
 */
export class XComSkip extends Error {
  readonly code = 'XCOM_SKIP';

  constructor(reason = 'the task skipped itself') {
    super(reason);
    this.name = XCOM_SKIP_TYPE;
  }
}

/** Also true for an XComSkip from another copy of this module (a DAG file bundled apart from the worker). */
export function isXComSkip(err: unknown): err is XComSkip {
  return err instanceof XComSkip || (err instanceof Error && err.name === XCOM_SKIP_TYPE && (err as { code?: unknown }).code === 'XCOM_SKIP');
}
