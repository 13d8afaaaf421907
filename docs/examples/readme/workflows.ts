// workflows.ts — sandbox code imports temporal-xcom/workflow only
import { proxyActivities } from '@temporalio/workflow';
import { pull, setDagRun, withTask } from 'temporal-xcom/workflow';
import type * as activities from './activities.js';

const { extract, load } = proxyActivities<typeof activities>({ startToCloseTimeout: '5 minutes' });

export async function etl(): Promise<number> {
  setDagRun({ dagId: 'etl' }); // records this workflow's tasks (default DAG id: the workflow type)
  await withTask({ taskId: 'extract' }, () => extract());
  const loaded = await load(); // task id defaults to the activity type
  const source = await pull({ taskIds: 'extract', key: 'source' }); // through a local activity, replay-safe
  return source === null ? -1 : loaded;
}
