import type { ResolvedIdentity } from '../../src/store/identity';

/** A distinct entry per index: a new DAG run every 100 tasks, as a busy DAG would make them. */
export function identityFor(series: string, i: number): ResolvedIdentity {
  const run = Math.floor(Math.abs(i) / 100);
  return {
    dagId: 'bench_dag',
    runId: `${series}${i < 0 ? '-warm' : ''}-run-${run}`,
    taskId: `task-${Math.abs(i)}`,
    mapIndex: -1,
    key: 'return_value',
  };
}

/** The identity as the floor's statement parameters. */
export function identityParams(id: ResolvedIdentity): [string, string, string, number, string] {
  return [id.dagId, id.runId, id.taskId, id.mapIndex, id.key];
}

/** A typical task result of about 1 KB serialized (below the 1024-byte compression threshold, so stored as JSON). */
export function inlineValue(): Record<string, unknown> {
  return {
    status: 'ok',
    rowsWritten: 18234,
    table: 'analytics.daily_orders',
    partition: '2024-06-01',
    checksum: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
    columns: ['order_id', 'customer_id', 'amount', 'currency', 'created_at', 'status', 'channel', 'region'],
    stats: { min: 0.5, max: 9812.25, mean: 183.12, nulls: 0, distinctCustomers: 7431 },
    files: Array.from({ length: 6 }, (_, i) => ({
      path: `s3://warehouse/orders/dt=2024-06-01/part-${String(i).padStart(5, '0')}.parquet`,
      bytes: 1_048_576 + i * 7919,
    })),
    warnings: ['late-arriving rows merged into the previous partition', 'schema drift: channel widened'],
  };
}

/** A compressible JSON value of about `bytes` serialized: records like a query result. */
export function compressibleJson(bytes: number): unknown[] {
  const row = (i: number) => ({ id: i, name: `customer-${i}`, email: `customer${i}@example.com`, total: i * 1.5, active: i % 3 !== 0 });
  const perRow = JSON.stringify(row(100000)).length + 1;
  return Array.from({ length: Math.ceil(bytes / perRow) }, (_, i) => row(i));
}
