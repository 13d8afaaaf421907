// The tasks of the migration guide's examples: plain async functions, registered on the worker as activities.
// (In an application, import from 'temporal-xcom' instead of the source tree.)
import { xcom } from '../../../src';

export interface Sale {
  readonly region: string;
  readonly amount: number;
}

export async function extract(): Promise<Sale[]> {
  return [
    { region: 'north', amount: 700 },
    { region: 'south', amount: 500 },
  ];
}

/** With `multipleOutputs`, each key is its own XCom too: `summary.total`, `summary.count`. */
export async function transform(rows: Sale[]): Promise<{ total: number; count: number }> {
  return { total: rows.reduce((sum, r) => sum + r.amount, 0), count: rows.length };
}

export async function load(total: number, table: string): Promise<string> {
  return `loaded ${total} into ${table}`;
}

/** A branch task returns the id (or ids) of the direct downstream tasks to run; the others are skipped. */
export async function choose(total: number): Promise<string> {
  return total > 1000 ? 'big_day' : 'normal_day';
}

export async function notify(message: string): Promise<string> {
  return `sent: ${message}`;
}

export async function cleanup(): Promise<void> {}

export async function listFiles(): Promise<string[]> {
  return ['a.csv', 'b.csv', 'c.csv'];
}

export async function countLines(file: string): Promise<number> {
  return file.length;
}

/** Mapped results arrive as a list, in map-index order (instances that returned nothing drop out). */
export async function sumAll(counts: number[]): Promise<number> {
  return counts.reduce((a, b) => a + b, 0);
}

export async function addOffset(offset: number, value: number): Promise<number> {
  return offset + value;
}

export async function copyFile(job: { source: string; dest: string; overwrite: boolean }): Promise<string> {
  return `${job.source} -> ${job.dest}${job.overwrite ? ' (overwrite)' : ''}`;
}

export async function describePair(pair: [string, number]): Promise<string> {
  return `${pair[0]}: ${pair[1]}`;
}

/** Explicit pushes and pulls, Airflow's `ti.xcom_push` / `ti.xcom_pull`. */
export async function pushStats(): Promise<void> {
  xcom.push('row_count', 42);
  xcom.push('status', 'ok');
}

export async function report(): Promise<string> {
  const rows = await xcom.pull<number>({ taskIds: 'push_stats', key: 'row_count' });
  // include_prior_dates: the newest run up to this one (by logical date) whose task has the key; this run counts.
  const latest = await xcom.pull<number>({ taskIds: 'push_stats', key: 'row_count', includePriorDates: true });
  return `${rows} rows (latest known: ${latest})`;
}
