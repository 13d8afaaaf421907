import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { isInternalActivity } from '../common/task-header';
import { runInAttempt } from './attempt-scope';
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

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = this.context.info;
    if (isInternalActivity(info.activityType)) return next(input);
    try {
      const store = await this.runtime.store();
      const attempt = new TaskAttempt(store, taskInstanceFor(input.headers, info), info, this.runtime.historyThresholdBytes);
      const args = await resolveRefs({ store, mapFunctions: this.runtime.mapFunctions }, [...input.args]);
      try {
        const result = await runInAttempt(attempt, () => next({ ...input, args }));
        return await attempt.complete(result);
      } catch (err) {
        // Nothing was published; the ledger still says what this attempt had pushed, for debugging.
        await attempt.discard().catch(() => undefined);
        throw err;
      }
    } catch (err) {
      throw toApplicationFailure(err);
    }
  }
}
