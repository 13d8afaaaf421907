// Sandbox code: a task instance that skipped itself (XComSkip), as the runner sees it across the activity boundary.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { XCOM_SKIP_TYPE } from '../../common/xcom-skip';

/** True when the activity failed with the plugin's skip failure: the instance is `skipped`, not `failed`. */
export function isSkipFailure(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === XCOM_SKIP_TYPE;
}
