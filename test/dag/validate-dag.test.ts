// Build-time validation: every problem at once, each with its exact message; warnings; the orders the runner uses.
import { DagValidationError } from '../../src/dag/dag-validation-error';
import type { DagBuilder } from '../../src/dag/dag-builder';
import type { DagOptions } from '../../src/dag/dag-options';
import { defineDag } from '../../src/dag/define-dag';
import type { TriggerRule } from '../../src/dag/spec';
import { topologicalOrder, upstreamClosure } from '../../src/dag/validate-dag';
import type { XComArg } from '../../src/dag/xcom-arg';

type Acts = {
  extract(): Promise<number[]>;
  double(n: number): Promise<number>;
  add(a: number, b: number): Promise<number>;
  load(batch: { rows: number[] }): Promise<void>;
  notify(): Promise<void>;
  choose(): Promise<string>;
};

/** Defines a DAG expecting it to be rejected; returns the error. */
function rejected(options: Partial<DagOptions>, build: (dag: DagBuilder) => void = () => {}): DagValidationError {
  try {
    defineDag({ dagId: 'broken', ...options }, build);
  } catch (error) {
    expect(error).toBeInstanceOf(DagValidationError);
    return error as DagValidationError;
  }
  throw new Error('expected defineDag to throw a DagValidationError');
}
const problemsOf = (options: Partial<DagOptions>, build?: (dag: DagBuilder) => void) => rejected(options, build).problems;

/** Tasks named by id, all calling `notify`. */
function named(dag: DagBuilder, ...ids: string[]): XComArg[] {
  const t = dag.tasks<Acts>();
  return ids.map((taskId) => t.notify.with({ taskId })());
}

describe('DagValidationError', () => {
  test('lists every problem, one per line, prefixed with the DAG id, and carries code, dagId and problems', () => {
    const error = rejected({ dagId: 'etl', maxActiveTasks: 0 }, (dag) => {
      const [a, b] = named(dag, 'a', 'b');
      a!.then(b!);
      b!.then(a!);
      named(dag, 'a');
    });
    expect(error.code).toBe('XCOM_DAG_INVALID');
    expect(error.name).toBe('DagValidationError');
    expect(error.dagId).toBe('etl');
    expect(error.problems).toEqual([
      'maxActiveTasks must be an integer of at least 1, got 0',
      "task id 'a' is used by 2 tasks",
      'tasks form a cycle: a -> b -> a',
    ]);
    expect(error.message).toBe(
      [
        "DAG 'etl': maxActiveTasks must be an integer of at least 1, got 0",
        "DAG 'etl': task id 'a' is used by 2 tasks",
        "DAG 'etl': tasks form a cycle: a -> b -> a",
      ].join('\n'),
    );
  });
});

describe('validateDag: ids', () => {
  test.each([
    ['', "dagId must be a non-empty string, got ''"],
    ['x'.repeat(251), 'dagId is 251 characters long; the limit is 250'],
    ['a\nb', 'dagId contains control character U+000a at position 1'],
  ])('dagId %j', (dagId, problem) => {
    const error = rejected({ dagId });
    expect(error.problems).toEqual([problem]);
    expect(error.message.startsWith(`DAG ${dagId.includes('\n') ? "'a\\u000ab'" : `'${dagId}'`}: `)).toBe(true);
  });

  test('a dagId of 250 characters is fine', () => {
    expect(defineDag({ dagId: 'x'.repeat(250) }, () => {}).warnings).toEqual([]);
  });

  test('task ids: duplicates (counted), empty, too long, control characters', () => {
    expect(
      problemsOf({}, (dag) => {
        const t = dag.tasks<Acts>();
        t.notify.with({ taskId: 'x' })();
        t.double.with({ taskId: 'x' })(1);
        t.extract.with({ taskId: 'x' })();
        t.notify.with({ taskId: '' })();
        t.notify.with({ taskId: 't'.repeat(300) })();
        t.notify.with({ taskId: 'tab\there' })();
      }),
    ).toEqual([
      "task 4 (activity 'notify'): task id must be a non-empty string, got ''",
      "task 5 (activity 'notify'): task id is 300 characters long; the limit is 250",
      "task 6 (activity 'notify'): task id contains control character U+0009 at position 3",
      "task id 'x' is used by 3 tasks",
    ]);
  });

  test('a default id never clashes with an explicit duplicate silently', () => {
    expect(
      problemsOf({}, (dag) => {
        const t = dag.tasks<Acts>();
        t.notify.with({ taskId: 'notify__1' })();
        t.notify();
        t.notify();
      }),
    ).toEqual(["task id 'notify__1' is used by 2 tasks"]);
  });
});

describe('validateDag: dependencies', () => {
  test('a task that depends on itself', () => {
    expect(
      problemsOf({}, (dag) => {
        const [a] = named(dag, 'a');
        a!.then(a!);
      }),
    ).toEqual(["task 'a' depends on itself"]);
  });

  test('a cycle is reported with its path, starting at its first-declared task', () => {
    expect(
      problemsOf({}, (dag) => {
        const [a, b, c] = named(dag, 'a', 'b', 'c');
        a!.then(b!).then(c!).then(a!);
      }),
    ).toEqual(['tasks form a cycle: a -> b -> c -> a']);
  });

  test('the cycle path leaves out tasks upstream and downstream of the cycle', () => {
    // z is declared first and hangs below the cycle; root feeds into it.
    expect(
      problemsOf({}, (dag) => {
        const [z, root, p, q, r] = named(dag, 'z', 'root', 'p', 'q', 'r');
        root!.then(p!);
        p!.then(q!).then(r!).then(q!);
        r!.then(z!);
      }),
    ).toEqual(['tasks form a cycle: q -> r -> q']);
  });

  test('a cycle through task outputs (an id reused to read a later task)', () => {
    expect(
      problemsOf({}, (dag) => {
        const t = dag.tasks<Acts>();
        const early = t.double.with({ taskId: 'second' })(1);
        const first = t.double.with({ taskId: 'first' })(early);
        t.double.with({ taskId: 'second' })(first);
      }),
    ).toEqual(["task id 'second' is used by 2 tasks", 'tasks form a cycle: second -> first -> second']);
  });

  test("unknown tasks: an output, an upstream and a downstream from another DAG's builder", () => {
    let foreign!: XComArg;
    defineDag({ dagId: 'other' }, (dag) => {
      foreign = dag.tasks<Acts>().extract.with({ taskId: 'elsewhere' })();
    });
    expect(
      problemsOf({ dagId: 'main' }, (dag) => {
        const t = dag.tasks<Acts>();
        t.load({ rows: foreign });
        t.double.expand(foreign);
        const notify = t.notify();
        notify.then(foreign);
        dag.chain(foreign, t.choose());
      }),
    ).toEqual([
      "task 'load' uses the output of task 'elsewhere', which is not in this DAG",
      "task 'double' uses the output of task 'elsewhere', which is not in this DAG",
      "task 'choose' depends on task 'elsewhere', which is not in this DAG",
      "task 'elsewhere' is set downstream of task 'notify', but it is not in this DAG",
    ]);
  });
});

describe('validateDag: pulls from tasks that are not upstream', () => {
  const build = (dag: DagBuilder) => {
    const t = dag.tasks<Acts>();
    const a = t.extract.with({ taskId: 'a' })();
    const b = t.double.with({ taskId: 'b' })(1);
    a.then(b);
    const side = t.notify.with({ taskId: 'side' })();
    const c = t.notify.with({ taskId: 'c', pullsFrom: ['a', 'c', 'side', 'b'] })();
    b.then(c);
    void side;
  };

  test('are errors by default, naming the puller and the pulled task; transitive upstream and itself are fine', () => {
    expect(problemsOf({}, build)).toEqual([
      "task 'c' pulls from task 'side', which is not upstream of it (it may not have run yet); add 'side' as an upstream task",
    ]);
  });

  test("are warnings with nonUpstreamPulls: 'warn' (Airflow's seed rule)", () => {
    const dag = defineDag({ dagId: 'warned', nonUpstreamPulls: 'warn' }, build);
    expect(dag.warnings).toEqual([
      "task 'c' pulls from task 'side', which is not upstream of it (it may not have run yet); add 'side' as an upstream task",
    ]);
  });

  test('a pull from a task that is not in the DAG is an error either way', () => {
    expect(
      problemsOf({ nonUpstreamPulls: 'warn' }, (dag) => {
        dag.tasks<Acts>().notify.with({ pullsFrom: ['ghost'] })();
      }),
    ).toEqual(["task 'notify' pulls from task 'ghost', which is not in this DAG"]);
  });
});

describe('validateDag: options', () => {
  test('trigger rules must be Airflow trigger rules', () => {
    expect(
      problemsOf({}, (dag) => {
        const t = dag.tasks<Acts>();
        t.notify.with({ triggerRule: 'all_sucess' as TriggerRule })();
        t.notify.with({ triggerRule: 'none_failed_min_one_success' })();
      }),
    ).toEqual([
      "task 'notify': trigger rule 'all_sucess' is not one of all_success, all_failed, all_done, one_success, one_failed, none_failed, none_skipped, none_failed_min_one_success, always",
    ]);
  });

  test('DAG options: maxActiveTasks, maxMapLength, nonUpstreamPulls, taskQueue, startDate', () => {
    expect(
      problemsOf({
        maxActiveTasks: 1.5,
        maxMapLength: 0,
        nonUpstreamPulls: 'ignore' as 'warn',
        taskQueue: '',
        startDate: new Date('not a date'),
      }),
    ).toEqual([
      'maxActiveTasks must be an integer of at least 1, got 1.5',
      'maxMapLength must be an integer of at least 1, got 0',
      "nonUpstreamPulls must be 'error' or 'warn', got 'ignore'",
      "taskQueue must be a non-empty string, got ''",
      'startDate must be a valid Date, got an invalid Date',
    ]);
  });

  test('task options: retries, durations, flags, taskQueue, pullsFrom', () => {
    expect(
      problemsOf({}, (dag) => {
        dag.tasks<Acts>().notify.with({
          retries: -1,
          retryDelay: '5 minuts' as never,
          maxRetryDelay: -10,
          executionTimeout: 0,
          heartbeatTimeout: '30s',
          multipleOutputs: 'yes' as never,
          taskQueue: '',
          pullsFrom: 'a' as never,
        })();
        dag.tasks<Acts>().double.with({ retries: 2.5, retryExponentialBackoff: true, executionTimeout: '1.5 hours' })(1);
      }),
    ).toEqual([
      "task 'notify': retries must be a non-negative integer, got -1",
      "task 'notify': retryDelay must be a non-negative duration (milliseconds, or a string such as '30 seconds'), got '5 minuts'",
      "task 'notify': maxRetryDelay must be a non-negative duration (milliseconds, or a string such as '30 seconds'), got -10",
      "task 'notify': executionTimeout must be a positive duration (milliseconds, or a string such as '30 seconds'), got 0",
      "task 'notify': multipleOutputs must be true or false, got 'yes'",
      "task 'notify': taskQueue must be a non-empty string, got ''",
      "task 'notify': pullsFrom must be a list of task ids, got 'a'",
      "task 'double': retries must be a non-negative integer, got 2.5",
    ]);
  });

  test('a bad defaultTaskOptions value is reported once, not once per task', () => {
    expect(
      problemsOf({ defaultTaskOptions: { retries: -2, taskId: 'same' } }, (dag) => {
        const t = dag.tasks<Acts>();
        t.notify();
        t.extract();
        t.double.with({ retries: -3 })(1);
      }),
    ).toEqual([
      'defaultTaskOptions cannot set taskId: every task would get the same id',
      'defaultTaskOptions: retries must be a non-negative integer, got -2',
      "task 'double': retries must be a non-negative integer, got -3",
    ]);
  });

  test('schedules: a bad cron expression, @continuous, and catchup without a startDate; @once is accepted', () => {
    expect(problemsOf({ schedule: '0 0 * *' })).toEqual([
      "schedule '0 0 * *' is not a cron expression: it needs 5 fields (minute hour day-of-month month day-of-week), it has 4",
    ]);
    expect(problemsOf({ schedule: '@continuous' })).toEqual([
      "schedule '@continuous' is not a recurring schedule: start the DAG's workflow directly (client.workflow.start) for a run, or use a cron expression",
    ]);
    expect(defineDag({ dagId: 'once', schedule: '@once', startDate: new Date('2021-01-01') }, () => {}).warnings).toEqual([]);
    expect(problemsOf({ schedule: '@daily', catchup: true })).toEqual(['catchup needs a startDate: the first logical date to catch up from']);
    expect(defineDag({ dagId: 'scheduled', schedule: '@daily', catchup: true, startDate: new Date('2024-01-01') }, () => {}).warnings).toEqual([]);
  });
});

describe('validateDag: mapped tasks', () => {
  const limitProblem = (build: (dag: DagBuilder) => void, maxMapLength?: number) =>
    problemsOf(maxMapLength === undefined ? {} : { maxMapLength }, build);

  test('a literal list longer than maxMapLength (default 1024) names the task, the length and the limit', () => {
    const items = Array.from({ length: 1025 }, (_, i) => i);
    expect(limitProblem((dag) => void dag.tasks<Acts>().double.expand(items))).toEqual([
      "task 'double' would have 1025 mapped instances, above maxMapLength 1024",
    ]);
    expect(defineDag({ dagId: 'at_limit' }, (dag) => void dag.tasks<Acts>().double.expand(items.slice(1))).warnings).toEqual([]);
  });

  test('literal lists inside zip, concat and map, and cross products of literal lists', () => {
    expect(
      limitProblem((dag) => {
        const t = dag.tasks<Acts>();
        const rows = t.extract();
        t.double.with({ taskId: 'concat' }).expand(rows.concat([1, 2, 3], [4, 5, 6]));
        t.double.with({ taskId: 'zip_longest' }).expand(rows.zip([1, 2, 3, 4, 5, 6], { fillValue: null }));
        t.double.with({ taskId: 'zip_shortest' }).expand(rows.zip([1, 2, 3, 4, 5, 6]));
        t.double.with({ taskId: 'mapped' }).expand(rows.concat([1, 2, 3, 4, 5, 6]).map((n: number) => n));
        t.add.with({ taskId: 'product' }).expand([1, 2], [1, 2, 3]);
        t.add.with({ taskId: 'product_with_output' }).expand([1, 2, 3, 4, 5, 6], rows);
        t.add.with({ taskId: 'partial' }).partial(1).expand([1, 2, 3, 4, 5]);
        t.load.with({ taskId: 'kwargs' }).expandKwargs(Array.from({ length: 6 }, () => ({ rows: [] })));
      }, 5),
    ).toEqual([
      "task 'concat' would have at least 6 mapped instances, above maxMapLength 5",
      "task 'zip_longest' would have at least 6 mapped instances, above maxMapLength 5",
      "task 'mapped' would have at least 6 mapped instances, above maxMapLength 5",
      "task 'product' would have 6 mapped instances, above maxMapLength 5",
      "task 'kwargs' would have 6 mapped instances, above maxMapLength 5",
    ]);
  });

  test('expandKwargs needs argument objects', () => {
    expect(
      problemsOf({}, (dag) => {
        const t = dag.tasks<Acts>();
        t.load.expandKwargs([{ rows: [] }, 3 as never]);
        t.load.expandKwargs(t.extract().zip([1]) as never);
        t.load.expandKwargs([t.extract() as never, { rows: [1] }]);
      }),
    ).toEqual([
      "task 'load': expandKwargs() needs a list of argument objects, but item 1 is 3",
      "task 'load__1': expandKwargs() needs a list of argument objects, but zip() gives lists",
    ]);
  });
});

describe('validateDag: warnings', () => {
  test('a branch task with no downstream tasks, and reading the output of a task that records none', () => {
    const dag = defineDag({ dagId: 'warnings' }, (dag) => {
      const t = dag.tasks<Acts>();
      t.choose.with({ branch: true })();
      const quiet = t.extract.with({ doXComPush: false })();
      t.double.expand(quiet);
      const pick = t.choose.with({ taskId: 'pick', branch: true })();
      pick.then(t.notify());
    });
    expect(dag.warnings).toEqual([
      "task 'double' uses the output of task 'extract', which has doXComPush: false and records no return value",
      "branch task 'choose' has no downstream tasks to choose from",
    ]);
  });
});

describe('topologicalOrder and upstreamClosure', () => {
  test('Kahn order with ties broken by declaration order', () => {
    const dag = defineDag({ dagId: 'ordered' }, (d) => {
      const [c, a, b, e, f] = named(d, 'c', 'a', 'b', 'e', 'f');
      f!.then(c!);
      b!.then(a!);
      e!.then(a!);
    });
    // Ready at first: b, e, f. After b and e, a is ready and declared before f, so it goes next; c comes after f.
    expect(topologicalOrder(dag.spec)).toEqual(['b', 'e', 'a', 'f', 'c']);
  });

  test('unrelated tasks keep their declaration order', () => {
    const dag = defineDag({ dagId: 'flat' }, (d) => void named(d, 'z', 'y', 'x'));
    expect(topologicalOrder(dag.spec)).toEqual(['z', 'y', 'x']);
  });

  test('topologicalOrder throws on a cycle (for specs that skipped validation)', () => {
    const spec = {
      dagId: 'raw',
      tasks: [
        { taskId: 'a', activityType: 'notify', args: [], options: {}, upstream: ['b'] },
        { taskId: 'b', activityType: 'notify', args: [], options: {}, upstream: ['a'] },
      ],
      edges: [],
      mapFunctions: new Map(),
    };
    expect(() => topologicalOrder(spec)).toThrow("DAG 'raw': tasks form a cycle: a -> b -> a");
  });

  test('upstreamClosure: every task a task depends on, directly or not', () => {
    const dag = defineDag({ dagId: 'closure' }, (d) => {
      const t = d.tasks<Acts>();
      const rows = t.extract();
      const doubled = t.double.expand(rows);
      const other = t.notify();
      const total = t.add(doubled as never, 1);
      other.then(total);
      t.notify();
    });
    expect([...upstreamClosure(dag.spec, 'add')].sort()).toEqual(['double', 'extract', 'notify']);
    expect([...upstreamClosure(dag.spec, 'extract')]).toEqual([]);
    expect([...upstreamClosure(dag.spec, 'notify__1')]).toEqual([]);
  });
});
