import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';
import type { TaskCall } from './activities';
import { attempts } from './attempt-registry';
import { instanceName } from './dag-shape';
import { emit } from './events';
import { killIfArmed } from './self-kill';

let inflight = 0;

/**
 * The outer activity interceptor (listed before the plugin's, so `next` returns after the XCom commit): reports
 * attempts starting and settling to the harness and to the attempt registry (zombies and retries wait on it), and
 * kills the worker at `after-commit`: committed, but Temporal never hears of it.
 */
export function attemptInterceptor(context: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        if (context.info.activityType !== 'chaosTask') return next(input);
        const call = input.args[0] as TaskCall;
        const instance = instanceName(call.taskId, call.mapIndex);
        const { attempt } = context.info;
        const runId = context.info.workflowExecution?.workflowId ?? '';
        inflight++;
        emit({ e: 'start', instance, attempt, inflight });
        let committed = false;
        let error: string | undefined;
        try {
          await attempts().started(runId, instance, attempt);
          const result = await next(input);
          committed = true;
          killIfArmed('after-commit');
          return result;
        } catch (err) {
          error = (err as Error).message;
          throw err;
        } finally {
          await attempts()
            .settled(runId, instance, attempt, committed)
            .catch((err: unknown) => (error ??= `settling in the registry: ${(err as Error).message}`));
          inflight--;
          emit({ e: 'end', instance, attempt, committed, inflight, ...(error !== undefined && { error }) });
        }
      },
    },
  };
}
