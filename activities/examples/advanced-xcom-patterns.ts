// Tasks of the seed DAG `advanced_xcom_patterns`, ported: explicit pushes, pulls by task id and key, an aggregate.
import { xcom } from '../../src';

export interface Item {
  readonly id: number;
  readonly value: string;
  readonly timestamp: Date;
}

/** Pushes each produced item under `item_<i>`, and a `summary`. */
export async function producer(): Promise<void> {
  const items: Item[] = [1, 2, 3].map((id) => ({ id, value: `item${id}`, timestamp: new Date() }));
  items.forEach((item, i) => xcom.push(`item_${i}`, item));
  xcom.push('summary', { total_items: items.length, processed_at: new Date() });
}

/** Pulls one item from the producer and returns it processed. */
export async function consumer(itemIndex: number): Promise<Item & { processed: true; processed_by: string }> {
  const item = await xcom.pull<Item | null>({ taskIds: 'producer', key: `item_${itemIndex}` });
  if (!item) throw new Error(`consumer: producer pushed no item_${itemIndex}`);
  return { ...item, processed: true, processed_by: xcom.task().taskId };
}

/** Pulls the consumers' results by task id (a list, in the order asked) and aggregates them. */
export async function aggregator(consumerTaskIds: string[]): Promise<{ total_processed: number; items: unknown[]; aggregated_at: Date }> {
  const results = await xcom.pull<unknown[]>({ taskIds: consumerTaskIds });
  return { total_processed: results.length, items: results, aggregated_at: new Date() };
}

/** Publishes the aggregate under a well-known key, for other DAGs to pull by DAG id. */
export async function crossDagPush(): Promise<void> {
  const task = xcom.task();
  const aggregate = await xcom.pull({ taskIds: 'aggregator' });
  xcom.push('cross_dag_data', { dag_id: task.dagId, run_id: task.runId, data: aggregate, timestamp: new Date() });
}
