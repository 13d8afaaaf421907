// A DAG's exclusive keys are checked when it is defined: every problem named, with the key and the field.
import { defineDag } from '../../src/dag/define-dag';
import type { ExclusiveKeys } from '../../src/dag/exclusive-keys';

type Acts = { work: (x: string) => Promise<string> };

function define(exclusive: unknown) {
  return defineDag({ dagId: 'exclusive_check', exclusive: exclusive as ExclusiveKeys }, (dag) => {
    const t = dag.tasks<Acts>();
    t.work.with({ taskId: 'owner' })('a').then(t.work.with({ taskId: 'reader' })('b'));
  });
}

describe('defineDag exclusive', () => {
  test('a declaration naming tasks of the DAG is accepted', () => {
    expect(define({ token: { writer: 'owner', readers: ['reader'] } }).options.exclusive).toEqual({ token: { writer: 'owner', readers: ['reader'] } });
  });

  test('unknown tasks, empty or unknown fields and return_value are refused, each named', () => {
    expect(() =>
      define({
        token: { writer: 'ghost', readers: ['reader', 'nobody'] },
        empty: {},
        odd: { writer: 'owner', owner: 'x' },
        list: { readers: [] },
        return_value: { readers: ['reader'] },
      }),
    ).toThrow(
      [
        "DAG 'exclusive_check': exclusive key 'token': writer 'ghost' is not a task of this DAG",
        "DAG 'exclusive_check': exclusive key 'token': reader 'nobody' is not a task of this DAG",
        "DAG 'exclusive_check': exclusive key 'empty': names neither a writer nor readers",
        "DAG 'exclusive_check': exclusive key 'odd': unknown field 'owner' (allowed: writer, readers)",
        "DAG 'exclusive_check': exclusive key 'list': readers must be a non-empty list of task ids, got a list of 0",
        "DAG 'exclusive_check': exclusive key 'return_value': cannot be exclusive in a DAG: every task writes its own 'return_value' (push the value under a key of its own)",
      ].join('\n'),
    );
  });

  test('exclusive must be an object', () => {
    expect(() => define(['token'])).toThrow("DAG 'exclusive_check': exclusive must be an object of key → { writer?, readers? }, got a list of 1");
  });
});
