// activities.ts — Airflow's ti.xcom_push / ti.xcom_pull
import { xcom } from 'temporal-xcom';

export async function extract(): Promise<number[]> {
  xcom.push('source', 's3://raw/2024-01-01');
  return [1, 2, 3]; // recorded as return_value
}

export async function load(): Promise<number> {
  const rows = await xcom.pull<number[]>({ taskIds: 'extract' }); // null when there is none
  const source = await xcom.pull<string>({ taskIds: 'extract', key: 'source' });
  return (rows?.length ?? 0) + (source ? 1 : 0);
}
