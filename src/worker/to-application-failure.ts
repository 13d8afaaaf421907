import { ApplicationFailure } from '@temporalio/common';
import { isXComSkip, XCOM_SKIP_TYPE } from '../common/xcom-skip';
import { XComError } from '../errors';

/** Errors retrying cannot fix: the same input would fail the same way. */
const NON_RETRYABLE = new Set([
  'XCOM_NOT_SERIALIZABLE',
  'XCOM_TOO_LARGE',
  'XCOM_INVALID_IDENTITY',
  'XCOM_MULTIPLE_OUTPUTS',
  'XCOM_INTEGRITY',
  'XCOM_EXPAND',
  'XCOM_ARG_NOT_FOUND',
  'XCOM_TRIGGER_TARGET',
  'XCOM_DAG_PARAMS',
  'XCOM_ACCESS_DENIED',
  'XCOM_FORGED_REF',
  'XCOM_EXCLUSIVE_WRITER',
  'XCOM_EXCLUSIVE_READER',
]);

/**
 * Turns a library error into an ApplicationFailure whose `type` is the error's class name, so workflow code can
 * branch on it across the sandbox; the ones retries cannot fix are non-retryable. Anything else (a database that
 * is down, a network error) passes through and is retried by Temporal.
 */
export function toApplicationFailure(err: unknown): unknown {
  // A skip is an outcome, not a failure to retry: the DAG runner reads the type and marks the instance skipped.
  if (isXComSkip(err)) return ApplicationFailure.create({ type: XCOM_SKIP_TYPE, message: err.message, nonRetryable: true });
  if (!(err instanceof XComError)) return err;
  return ApplicationFailure.create({
    type: err.name,
    message: err.message,
    nonRetryable: NON_RETRYABLE.has(err.code),
    cause: err,
  });
}
