import { Context, type Info } from '@temporalio/activity';
import { emit } from './events';
import type { KillPoint } from './plan';

interface Armed {
  readonly point: KillPoint;
  readonly instance: string;
  readonly attempt: number;
}

/** Kill points armed by running attempts, by attempt (the plugin's code reaches them with no argument to carry it). */
const armed = new Map<string, Armed>();

function attemptKey(info: Info): string {
  return `${info.workflowExecution?.workflowId}/${info.activityId}/${info.attempt}`;
}

/** The running attempt's info, or undefined outside an activity (the plugin's background sweeper, say). */
function currentInfo(): Info | undefined {
  try {
    return Context.current().info;
  } catch {
    return undefined;
  }
}

/** Makes the current attempt kill the worker when it reaches `point` (checked by `killIfArmed`). */
export function arm(point: KillPoint, instance: string, attempt: number): void {
  const info = currentInfo();
  if (!info) throw new Error('chaos: arm() outside an activity');
  armed.set(attemptKey(info), { point, instance, attempt });
}

/** SIGKILLs this process if the attempt running here armed `point`. */
export function killIfArmed(point: KillPoint): void {
  const info = currentInfo();
  const target = info && armed.get(attemptKey(info));
  if (target?.point === point) killNow(target.instance, target.attempt, point);
}

export function killNow(instance: string, attempt: number, point: KillPoint): never {
  emit({ e: 'kill', instance, attempt, point });
  process.kill(process.pid, 'SIGKILL');
  // A signal a process sends itself is delivered before kill() returns; this is never reached.
  throw new Error('chaos: survived SIGKILL');
}
