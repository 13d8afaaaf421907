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
 * attempts starting and settling to the harness and to zombies waiting in this process, and kills the worker at
 * `after-commit`: committed, but Temporal never hears of it.
 */
export function attemptInterceptor(context: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        if (context.info.activityType !== 'chaosTask') return next(input);
        const call = input.args[0] as TaskCall;
        const instance = instanceName(call.taskId, call.mapIndex);
        const { attempt } = context.info;
        inflight++;
        emit({ e: 'start', instance, attempt, inflight });
        attempts.started(instance, attempt);
        let committed = false;
        let error: string | undefined;
        try {
          const result = await next(input);
          committed = true;
          killIfArmed('after-commit');
          return result;
        } catch (err) {
          error = (err as Error).message;
          throw err;
        } finally {
          inflight--;
          attempts.settled(instance, attempt, committed);
          emit({ e: 'end', instance, attempt, committed, inflight, ...(error !== undefined && { error }) });
        }
      },
    },
  };
}
