// The seed DAG `xcom_cleanup_dag` with the DAG API: cleanup by age, then keep the latest runs of one DAG, then
// compress large entries, daily at 2 AM. Each task calls the retention API, which heartbeats as it goes.
import { defineDag, runDag, type DagRunInput } from '../src/workflow';
import type * as tasks from '../activities/examples/xcom-cleanup';

export const xcomCleanupDag = defineDag(
  { dagId: 'xcom_cleanup_dag', schedule: '0 2 * * *', startDate: new Date('2024-01-01T00:00:00Z'), catchup: false },
  (dag) => {
    const t = dag.tasks<typeof tasks>({ retries: 1, retryDelay: '5 minutes', executionTimeout: '1 hour', heartbeatTimeout: '2 minutes' });
    const cleanupOld = t.cleanupOldXcom.with({ taskId: 'cleanup_old_xcom' })(7);
    const cleanupByDag = t.cleanupXcomByDag.with({ taskId: 'cleanup_xcom_by_dag' })('xcom_taskflow_example', 10);
    const compress = t.compressLargeXcom.with({ taskId: 'compress_large_xcom' })(16);
    dag.chain(cleanupOld, cleanupByDag, compress);
  },
);

export async function xcomCleanupDagWorkflow(input?: DagRunInput) {
  return runDag(xcomCleanupDag, input);
}
