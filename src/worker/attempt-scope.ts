import { AsyncLocalStorage } from 'node:async_hooks';
import { XComError } from '../errors';
import type { TaskAttempt } from './task-attempt';

const scope = new AsyncLocalStorage<TaskAttempt>();

export function runInAttempt<T>(attempt: TaskAttempt, fn: () => Promise<T>): Promise<T> {
  return scope.run(attempt, fn);
}

/** The attempt the calling activity code runs in; a clear error outside one. */
export function currentAttempt(operation: string): TaskAttempt {
  const attempt = scope.getStore();
  if (!attempt) {
    throw new XComError(
      'XCOM_NO_TASK',
      `xcom.${operation}() was called outside an activity run by a worker with XComPlugin installed`,
    );
  }
  return attempt;
}
