// The task of Airflow's `example_skip_dag` that skips itself (its EmptySkipOperator).
import { XComSkip } from '../../src';

export async function skipThisTask(): Promise<never> {
  throw new XComSkip();
}
