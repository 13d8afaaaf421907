// Tasks of Airflow's `tutorial_taskflow_api`, ported: extract order data, total it, print the total.
import { log } from '@temporalio/activity';

export async function extractOrderData(): Promise<Record<string, number>> {
  const dataString = '{"1001": 301.27, "1002": 433.21, "1003": 502.22}';
  return JSON.parse(dataString) as Record<string, number>;
}

/** Sums in the order the data lists the orders, as the Python does, so the float is the same. */
export async function transformOrderData(orderData: Record<string, number>): Promise<{ total_order_value: number }> {
  let totalOrderValue = 0;
  for (const value of Object.values(orderData)) totalOrderValue += value;
  return { total_order_value: totalOrderValue };
}

export async function loadOrderTotal(totalOrderValue: number): Promise<void> {
  log.info(`Total order value is: ${totalOrderValue.toFixed(2)}`);
}
