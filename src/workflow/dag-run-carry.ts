// Sandbox code: may import only @temporalio/workflow and src/common.
import { defaultPayloadConverter, type Headers } from '@temporalio/workflow';
import { DAG_RUN_HEADER, parseDagRunHeader, type DagRunHeader } from '../common/dag-run-header';
import { currentDagRun, dagIdOverride, setDagRun } from './dag-run';
import { defaultIdsSnapshot, restoreDefaultIds } from './task-scope';

/**
 * Headers for a continue-as-new command, with this run's state added. Without it the next execution would start
 * numbering at `extract` again and silently supersede this execution's entries.
 */
export function withDagRunHeader(headers: Headers): Headers {
  const dagId = dagIdOverride();
  const header: DagRunHeader = {
    v: 1,
    ...(dagId !== undefined && { dagId }),
    logicalDate: currentDagRun().logicalDate.toISOString(),
    defaultIdsUsed: defaultIdsSnapshot(),
  };
  return { ...headers, [DAG_RUN_HEADER]: defaultPayloadConverter.toPayload(header) };
}

/**
 * Restores what an earlier execution of the run carried, before the workflow function runs. The header is part of
 * the start event, so replay restores the same state. A missing or malformed header leaves the defaults.
 */
export function restoreDagRunFrom(headers: Headers): void {
  const payload = headers[DAG_RUN_HEADER];
  if (payload === undefined) return;
  let header: DagRunHeader | undefined;
  try {
    header = parseDagRunHeader(defaultPayloadConverter.fromPayload(payload));
  } catch {
    header = undefined; // undecodable: same as malformed
  }
  if (!header) return;
  setDagRun({ ...(header.dagId !== undefined && { dagId: header.dagId }), logicalDate: new Date(header.logicalDate) });
  restoreDefaultIds(header.defaultIdsUsed);
}
