// The cross-DAG demo's two DAGs: `revenue_report` waits (through signals) for an XCom of `orders_etl`.
import { proxyActivities } from '@temporalio/workflow';
import { setDagRun, waitForXCom, withTask } from '../src/workflow';
import type * as tasks from '../activities/examples/cross-dag-demo';

const { extractOrders, summarizeOrders, publishReport } = proxyActivities<typeof tasks>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

export const ORDERS_ETL = 'orders_etl';
export const REVENUE_REPORT = 'revenue_report';

/** DAG A: extract, then summarize; the summary is the XCom the report waits for. */
export async function ordersEtl(day: string): Promise<unknown> {
  setDagRun({ dagId: ORDERS_ETL, logicalDate: new Date(`${day}T00:00:00Z`) });
  const orders = await withTask({ taskId: 'extract' }, () => extractOrders(day));
  return withTask({ taskId: 'summarize' }, () => summarizeOrders(orders));
}

/** DAG B: waits for `orders_etl`'s `summarize` result of the same day, then publishes it. */
export async function revenueReport(input: { day: string; etlRunId: string }): Promise<unknown> {
  setDagRun({ dagId: REVENUE_REPORT, logicalDate: new Date(`${input.day}T00:00:00Z`) });
  const summary = await waitForXCom<{ orders: number; revenue: number }>(
    { dagId: ORDERS_ETL, taskId: 'summarize', runId: input.etlRunId },
    { timeout: '2 minutes' },
  );
  if (!summary.found) return { published: false, reason: 'orders_etl did not produce a summary in time' };
  const report = await withTask({ taskId: 'publish' }, () =>
    publishReport(summary.value as { orders: number; revenue: number }, `${summary.dagId}/${summary.runId}`),
  );
  return { published: true, report };
}
