import { Context, type Info } from '@temporalio/activity';
import { KeepAlive } from '../../src/worker/keep-alive';

/** A real activity Context whose heartbeats land in `sent`. */
function contextWith(info: Partial<Info>): { context: Context; sent: unknown[] } {
  const sent: unknown[] = [];
  const unused = undefined as never;
  const fullInfo = { heartbeatDetails: undefined, isLocal: false, ...info } as Info;
  const never = new Promise<never>(() => undefined);
  const context = new Context(fullInfo, never, new AbortController().signal, (d?: unknown) => sent.push(d), unused, unused, unused, unused);
  return { context, sent };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeepAlive', () => {
  test('heartbeats every third of the timeout while the work runs, with the attempt\'s details, then stops', async () => {
    const { context, sent } = contextWith({ heartbeatTimeoutMs: 600, heartbeatDetails: { resumeAt: 7 } });
    const keepAlive = new KeepAlive(context);
    expect(await keepAlive.during(() => sleep(500).then(() => 'done'))).toBe('done');
    expect(sent.length).toBeGreaterThanOrEqual(1); // at ~200 and ~400 ms (timers may run late on a busy machine)
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(sent.every((d) => JSON.stringify(d) === '{"resumeAt":7}')).toBe(true); // the details the attempt started with
    const settled = sent.length;
    await sleep(300);
    expect(sent).toHaveLength(settled);
  });

  test('work that ends within a third of the timeout sends nothing', async () => {
    const { context, sent } = contextWith({ heartbeatTimeoutMs: 3000 });
    const keepAlive = new KeepAlive(context);
    await keepAlive.during(() => sleep(50));
    await keepAlive.during(() => sleep(50));
    expect(sent).toEqual([]);
  });

  test('after the task heartbeats, repeats the task\'s last details; at once when the task went quiet for long', async () => {
    const { context, sent } = contextWith({ heartbeatTimeoutMs: 600, heartbeatDetails: 'start' });
    const keepAlive = new KeepAlive(context);
    context.heartbeat('progress 1');
    context.heartbeat('progress 2');
    expect(sent).toEqual(['progress 1', 'progress 2']); // the task's own heartbeats still go out
    await sleep(250); // the task runs on without heartbeating for more than a third of the timeout
    await keepAlive.during(async () => expect(sent).toEqual(['progress 1', 'progress 2', 'progress 2']));
  });

  test('stops heartbeating when the work fails', async () => {
    const { context, sent } = contextWith({ heartbeatTimeoutMs: 300 });
    await expect(new KeepAlive(context).during(() => sleep(150).then(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    const settled = sent.length;
    await sleep(250);
    expect(sent).toHaveLength(settled);
  });

  test.each<[string, Partial<Info>]>([
    ['without a heartbeat timeout', { heartbeatTimeoutMs: undefined }],
    ['in a local activity', { heartbeatTimeoutMs: 300, isLocal: true }],
  ])('never heartbeats %s, and leaves the context alone', async (_label, info) => {
    const { context, sent } = contextWith(info);
    const before = (context as unknown as { heartbeatFn: unknown }).heartbeatFn;
    await new KeepAlive(context).during(() => sleep(250));
    expect(sent).toEqual([]);
    expect((context as unknown as { heartbeatFn: unknown }).heartbeatFn).toBe(before);
  });
});
