// Tasks of the cross-DAG demo: `orders_etl` produces a daily summary, `revenue_report` publishes it.
import { xcom } from '../../src';

export async function extractOrders(day: string): Promise<{ orderId: number; amount: number }[]> {
  xcom.push('source', `s3://raw/orders/dt=${day}`);
  return [
    { orderId: 1, amount: 120.5 },
    { orderId: 2, amount: 75 },
    { orderId: 3, amount: 310.25 },
  ];
}

export async function summarizeOrders(orders: { orderId: number; amount: number }[]): Promise<{ orders: number; revenue: number }> {
  return { orders: orders.length, revenue: orders.reduce((sum, o) => sum + o.amount, 0) };
}

export async function publishReport(summary: { orders: number; revenue: number }, from: string): Promise<string> {
  return `revenue report: ${summary.orders} orders, ${summary.revenue.toFixed(2)} total (from ${from})`;
}
