// The seed DAG `advanced_xcom_patterns` as a plain Temporal workflow: tasks named with `withTask`.
import { proxyActivities } from '@temporalio/workflow';
import { setDagRun, withTask } from '../src/workflow';
import type * as tasks from '../activities/examples/advanced-xcom-patterns';

const { producer, consumer, aggregator, crossDagPush } = proxyActivities<typeof tasks>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 2, initialInterval: '1 second' },
});

export const ADVANCED_XCOM_PATTERNS = 'advanced_xcom_patterns';

export async function advancedXComPatterns(): Promise<unknown> {
  setDagRun({ dagId: ADVANCED_XCOM_PATTERNS });
  await withTask({ taskId: 'producer' }, () => producer());
  const consumers = [0, 1, 2].map((i) => `consumer_${i}`);
  await Promise.all(consumers.map((taskId, i) => withTask({ taskId }, () => consumer(i))));
  const aggregate = await withTask({ taskId: 'aggregator' }, () => aggregator(consumers));
  await withTask({ taskId: 'cross_dag_push' }, () => crossDagPush());
  return aggregate;
}
