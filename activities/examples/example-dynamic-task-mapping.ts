// Tasks of Airflow's `example_dynamic_task_mapping` and `example_task_mapping_second_order`, ported.
import { log } from '@temporalio/activity';

export async function addOne(x: number): Promise<number> {
  return x + 1;
}

/** Receives the mapped results in map-index order; records nothing. */
export async function sumIt(values: number[]): Promise<void> {
  const total = values.reduce((sum, v) => sum + v, 0);
  log.info(`Total was ${total}`);
}

export async function getNums(): Promise<number[]> {
  return [1, 2, 3];
}

export async function timesTwo(num: number): Promise<number> {
  return num * 2;
}

export async function addTen(num: number): Promise<number> {
  return num + 10;
}
