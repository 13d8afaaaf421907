// What a branch or short circuit skips and records (pure: no server), as Airflow's SkipMixin decides it.
import { DagValidationError } from '../../src/dag/dag-validation-error';
import { defineDag, type DagDefinition } from '../../src/dag/define-dag';
import { BranchChoiceError, branchDecision, isTruthy, shortCircuitDecision } from '../../src/dag/skip-decisions';

type Acts = { pick(): Promise<unknown>; pickFor(n: number): Promise<unknown>; work(): Promise<void> };

// branch >> [a, join, x]; a >> join; x >> y
const dag: DagDefinition = defineDag({ dagId: 'decisions' }, (d) => {
  const t = d.tasks<Acts>();
  const branch = t.pick.with({ taskId: 'branch', branch: true })();
  const a = t.work.with({ taskId: 'a' })();
  const join = t.work.with({ taskId: 'join' })();
  const x = t.work.with({ taskId: 'x' })();
  branch.then([a, join, x]);
  a.then(join);
  x.then(t.work.with({ taskId: 'y' })());
  t.pick.with({ taskId: 'gate', shortCircuit: true })().then(t.work.with({ taskId: 'g1' })()).then(t.work.with({ taskId: 'g2' })());
  t.pick.with({ taskId: 'lonely', branch: true })();
});
const task = (id: string) => dag.spec.tasks.find((t) => t.taskId === id)!;

describe('branchDecision', () => {
  test('a join below the chosen task is followed too; the others are skipped; the return value is dropped', () => {
    expect(branchDecision(dag.spec, task('branch'), 'a')).toEqual({
      skip: ['x'],
      followed: ['a', 'join'],
      record: { followed: ['a', 'join'] },
      keepsReturnValue: false,
    });
  });

  test('following every direct task keeps the return value; null follows none', () => {
    expect(branchDecision(dag.spec, task('branch'), ['x', 'a'])).toMatchObject({ skip: [], followed: ['a', 'join', 'x'], keepsReturnValue: true });
    expect(branchDecision(dag.spec, task('branch'), null)).toMatchObject({ skip: ['a', 'join', 'x'], record: { followed: [] } });
  });

  test('a branch with no downstream tasks records nothing', () => {
    expect(branchDecision(dag.spec, task('lonely'), 'a')).toEqual({ skip: [], followed: [], keepsReturnValue: true });
  });

  test('ids not in the DAG, and results that are not ids, fail the branch', () => {
    expect(() => branchDecision(dag.spec, task('branch'), ['a', 'nope'])).toThrow(
      new BranchChoiceError("branch task 'branch' returned task ids that are not in DAG 'decisions': 'nope'"),
    );
    expect(() => branchDecision(dag.spec, task('branch'), 3)).toThrow(/must return a task id, a list of task ids, or null; it returned 3/);
    expect(() => branchDecision(dag.spec, task('branch'), ['a', 1])).toThrow(/it returned \["a", number\]$/);
    // An object's contents never reach the message (history and logs): the result may hold secrets.
    expect(() => branchDecision(dag.spec, task('branch'), { api_token: 'sk-live-1' })).toThrow(/it returned an object$/);
    expect(() => branchDecision(dag.spec, task('branch'), ['a', { password: 'hunter2' }])).toThrow(/it returned \["a", an object\]$/);
  });
});

describe('shortCircuitDecision', () => {
  test("falsy by Python's rules skips everything below; truthy skips nothing", () => {
    for (const falsy of [false, 0, '', null, [], {}]) {
      expect(shortCircuitDecision(dag.spec, task('gate'), falsy)).toEqual({ skip: ['g1', 'g2'], record: { skipped: ['g1', 'g2'] }, keepsReturnValue: false });
    }
    expect(shortCircuitDecision(dag.spec, task('gate'), [0])).toEqual({ skip: [], keepsReturnValue: true });
    expect(isTruthy(new Map())).toBe(false);
  });

  test('ignoreDownstreamTriggerRules: false skips only the direct tasks', () => {
    const direct = { ...task('gate'), options: { ...task('gate').options, ignoreDownstreamTriggerRules: false } };
    expect(shortCircuitDecision(dag.spec, direct, false)).toMatchObject({ skip: ['g1'], record: { skipped: ['g1'] } });
  });
});

test('a task is a branch or a short circuit, and neither when mapped', () => {
  const build = () =>
    defineDag({ dagId: 'both' }, (d) => {
      const t = d.tasks<Acts>();
      t.pick.with({ taskId: 'both', branch: true, shortCircuit: true })();
      t.pickFor.with({ taskId: 'mapped', branch: true }).expand([1, 2]);
    });
  expect(build).toThrow(DagValidationError);
  try {
    build();
  } catch (err) {
    expect((err as DagValidationError).problems).toEqual(["task 'both': a task is a branch or a short circuit, not both", "task 'mapped' is mapped, so it cannot be a branch"]);
  }
});
