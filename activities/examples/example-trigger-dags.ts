// Tasks of Airflow's `example_trigger_controller_dag` and `example_trigger_target_dag`, ported.
import { log } from '@temporalio/activity';
import { xcom } from '../../src';

/**
 * Airflow's TriggerDagRunOperator: starts a run of the DAG `dagId` with `conf` and records its run id as
 * `trigger_run_id`. Like the operator, it returns nothing.
 */
export async function triggerDag(dagId: string, conf: Record<string, unknown>): Promise<void> {
  const triggered = await xcom.triggerDagRun({ dagId, conf });
  log.info(`Triggered DAG ${dagId}: run ${triggered.runId}`);
}

/** Reads the message from the whole conf of its run (Airflow's `dag_run.conf.get('message')`). */
export async function printConfMessage(conf: { message?: string }): Promise<void> {
  log.info(`Remotely received value of ${String(conf.message)} for key=message`);
}

/** The target's BashOperator: `echo "Here is the message: $message"`, whose output line is its return value. */
export async function echoMessage(message: string): Promise<string> {
  return `Here is the message: ${message}`;
}
