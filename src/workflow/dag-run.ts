// Sandbox code: may import only @temporalio/workflow and src/common.
import { workflowInfo } from '@temporalio/workflow';
import { optIntoXCom } from './record-scope';

/** The DAG run a workflow execution stands for. */
export interface DagRun {
  readonly dagId: string;
  /** The workflow id: a DAG run survives continue-as-new and reset. */
  readonly runId: string;
  readonly logicalDate: Date;
}

// Module state is per workflow execution: the worker gives each workflow its own module instances.
let override: { dagId?: string; logicalDate?: Date } = {};

/**
 * Names the DAG this workflow runs and its logical date. Call it before scheduling tasks; by default the DAG id is
 * the workflow type and the logical date is the time a Temporal Schedule meant the run for, else when the workflow
 * (chain) started. It also opts the workflow in: the activities it schedules from now on are recorded.
 */
export function setDagRun(options: { dagId?: string; logicalDate?: Date }): void {
  if (options.dagId !== undefined && (typeof options.dagId !== 'string' || options.dagId === '')) {
    throw new TypeError(`setDagRun: dagId must be a non-empty string, got ${JSON.stringify(options.dagId)}`);
  }
  if (options.logicalDate !== undefined && Number.isNaN(options.logicalDate.getTime())) {
    throw new TypeError('setDagRun: logicalDate is an invalid Date');
  }
  override = { ...override, ...options };
  optIntoXCom();
}

/** The DAG id `setDagRun` gave, if any: what continue-as-new carries (otherwise the next type names the DAG). */
export function dagIdOverride(): string | undefined {
  return override.dagId;
}

export function currentDagRun(): DagRun {
  const info = workflowInfo();
  return {
    dagId: override.dagId ?? info.workflowType,
    runId: info.workflowId,
    logicalDate: override.logicalDate ?? scheduledStartTime() ?? info.startTime,
  };
}

/** The time a Temporal Schedule meant this run for: Airflow's logical date of a scheduled run. */
function scheduledStartTime(): Date | undefined {
  const pair = workflowInfo()
    .typedSearchAttributes.getAll()
    .find((p) => p.key.name === 'TemporalScheduledStartTime');
  return pair?.value instanceof Date ? pair.value : undefined;
}
