// Error messages reach logs and Temporal's history: a value that may be a secret is never written into one.
import { expandTask, type ExpandContext } from '../../src/workflow/dag/map-expansion';
import type { TaskSpec } from '../../src/dag/spec';
import { kwargsItem } from '../../src/worker/resolve-items';
import type { DagRunState } from '../../src/workflow/dag/dag-run-state';

const SECRET = 'sk-live-9b2c-never-in-an-error';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('expandKwargs() over a list holding a string', () => {
  test('the workflow names the item by its type and length, not its text', async () => {
    const task: TaskSpec = {
      taskId: 'use_token',
      activityType: 'useToken',
      args: [],
      expand: { kind: 'kwargs', source: { kind: 'literal', items: [{ ok: 1 }, SECRET] } },
      options: {},
      upstream: [],
    };
    const ctx: ExpandContext = {
      state: {} as DagRunState,
      run: { dagId: 'masked_errors', runId: 'r1' },
      lengthOf: () => Promise.reject(new Error('not used')),
      maxMapLength: 100,
    };
    const expansion = await expandTask(task, ctx);
    expect(expansion.argsFor(0)).toEqual([{ ok: 1 }]);
    const message = messageOf(() => expansion.argsFor(1));
    expect(message).toBe(`task 'use_token': expandKwargs() needs a list of objects, but this instance's item is a string of ${SECRET.length} characters`);
  });

  test('the worker names a stored item the same way', () => {
    const message = messageOf(() => kwargsItem(SECRET));
    expect(message).toBe(`expandKwargs() needs a list of objects, but this instance's item is a string of ${SECRET.length} characters`);
    expect(messageOf(() => kwargsItem(42))).toContain('item is number 42');
  });
});
