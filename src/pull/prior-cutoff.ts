import type { PullCaller } from './pull-options';

/**
 * What "prior" is measured against for `includePriorDates`: a date, or the logical date (else creation time, Airflow's
 * `run_after`) of a run of the DAG being read, as the store resolves it.
 */
export type PriorCutoff = { readonly asOf: Date } | { readonly runId: string };

/**
 * Picks the cutoff for a pull of `(dagId, runId)`:
 * - the caller's own run: the caller's logical date when known. It equals the run's recorded date, and unlike a
 *   lookup by run id it also works before the run has committed anything (Airflow #54610);
 * - a run named explicitly: that run, looked up in the DAG being read;
 * - another DAG with no run named: the caller's logical date. The caller's run id means nothing in that DAG; looking it
 *   up there is why Airflow 3.2/3.3 return None (#70173). A caller without a logical date is taken to be "now".
 */
export function priorCutoff(caller: PullCaller, dagId: string, runId: string, runIdGiven: boolean): PriorCutoff {
  const readsCallerRun = dagId === caller.dagId && runId === caller.runId;
  if (readsCallerRun) return caller.logicalDate ? { asOf: caller.logicalDate } : { runId };
  if (runIdGiven) return { runId };
  return { asOf: caller.logicalDate ?? new Date() };
}
