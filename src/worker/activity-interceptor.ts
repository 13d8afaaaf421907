import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { isInternalActivity } from '../common/task-header';
import { runInAttempt } from './attempt-scope';
import { KeepAlive } from './keep-alive';
import { admitTask } from '../security/admit-task';
import { resolveRefs } from './resolve-refs';
import type { XComRuntime } from './runtime';
import { TaskAttempt } from './task-attempt';
import { taskInstanceFor } from './task-instance';
import { toApplicationFailure } from './to-application-failure';

/**
 * Runs every activity as an XCom task instance: refs in its arguments become values, `xcom.push`/`xcom.pull` work
 * inside it, and when it succeeds its pushes and return value are committed together before Temporal hears of the
 * result. A large result goes back to the workflow as an `XComRef`.
 */
export class XComActivityInboundInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly context: Context,
    private readonly runtime: XComRuntime,
  ) {}

  execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = this.context.info;
    if (isInternalActivity(info.activityType) || !this.runtime.records(input.headers)) {
      // Activities of workflows that did not opt in run exactly as without the plugin: no store, no codec, no refs,
      // and from a job of their own, so a failure's stack trace does not show this interceptor either.
      return Promise.resolve(input).then(next);
    }
    return this.#record(input, next);
  }

  async #record(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    // Opening the store, resolving large refs and uploading a large result can each outlast a heartbeat timeout.
    const keepAlive = new KeepAlive(this.context);
    try {
      const { attempt, args } = await keepAlive.during(() => this.#begin(input));
      try {
        const result = await runInAttempt(attempt, () => next({ ...input, args }));
        return await keepAlive.during(() => attempt.complete(result));
      } catch (err) {
        // Nothing was published; the ledger still says what this attempt had pushed, for debugging.
        await attempt.discard().catch(() => undefined);
        throw err;
      }
    } catch (err) {
      throw toApplicationFailure(err);
    }
  }

  /** The attempt, and the arguments with their refs resolved into values. */
  async #begin(input: ActivityExecuteInput): Promise<{ attempt: TaskAttempt; args: unknown[] }> {
    const info = this.context.info;
    const store = await this.runtime.store();
    const task = taskInstanceFor(input.headers, info);
    // Before anything is read or written: the run must be this workflow's own, and every ref must verify.
    const access = await admitTask(await this.runtime.security(), info, task, input.args);
    const attempt = new TaskAttempt(store, task, info, this.runtime.historyThresholdBytes, access);
    // Refs resolve through the attempt's reader: what they read is audited with the attempt.
    return { attempt, args: await resolveRefs({ store: attempt.reader, mapFunctions: this.runtime.mapFunctions }, [...input.args]) };
  }
}
