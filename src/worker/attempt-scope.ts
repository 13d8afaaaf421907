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
      `xcom.${operation}() was called outside an XCom task: in an activity of a worker without XComPlugin, or of a ` +
        'workflow that is not recorded. A workflow is recorded once it calls runDag, setDagRun or withTask, or when ' +
        'its type is in the plugin\'s recordWorkflowTypes (or recordAll is set)',
    );
  }
  return attempt;
}
