// Sandbox code: a run's conf and params, checked before any task starts.
import { ApplicationFailure } from '@temporalio/workflow';
import type { DagDefinition } from '../../dag/define-dag';
import { isPlainObject } from '../../dag/dag-builder';
import { resolveParams } from '../../dag/params';
import type { RunValues } from './dag-run-state';

/**
 * The run's conf and params (declared defaults overridden by the conf). Invalid or missing params fail the run
 * before any task starts, with a non-retryable `DagParamsInvalid` naming each problem (Airflow refuses the trigger).
 */
export function runValuesFor(dag: DagDefinition, runId: string, conf: unknown): RunValues {
  const { params, problems } = resolveParams(dag.options.params, conf);
  if (problems.length > 0) {
    throw ApplicationFailure.create({
      type: 'DagParamsInvalid',
      message: `DAG ${dag.dagId} run ${runId} cannot start: ${problems.join('; ')}`,
      nonRetryable: true,
      details: [problems],
    });
  }
  return { conf: isPlainObject(conf) ? conf : {}, params };
}
