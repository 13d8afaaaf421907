// The DAG builder, used as a user would: defineDag, dag.tasks<typeof activities>(), outputs as arguments.
import { defineDag, type DagDefinition } from '../../src/dag/define-dag';
import type { MapSource, TaskSpec } from '../../src/dag/spec';
import { XComArg } from '../../src/dag/xcom-arg';

/** The activities a DAG's tasks call (only their types matter to the builder). */
type Acts = {
  extract(): Promise<number[]>;
  add(a: number, b: number): Promise<number>;
  double(n: number): Promise<number>;
  total(values: number[]): Promise<number>;
  load(batch: { rows: number[]; table: string }): Promise<string>;
  stats(): Promise<{ total: number; rows: number[]; map: number }>;
  report(summary: { stats: { total: number }; parts: number[] }, note?: string): Promise<string>;
  notify(): Promise<void>;
};

const task = (dag: DagDefinition, taskId: string): TaskSpec => {
  const found = dag.spec.tasks.find((t) => t.taskId === taskId);
  if (!found) throw new Error(`no task ${taskId} in ${dag.spec.tasks.map((t) => t.taskId).join(', ')}`);
  return found;
};
const upstream = (dag: DagDefinition, taskId: string) => [...task(dag, taskId).upstream].sort();
const ref = (arg: unknown) => {
  expect(arg).toBeInstanceOf(XComArg);
  const { taskId, key } = arg as XComArg;
  return `${taskId}:${key}`;
};

/** A map source as plain data: task outputs as `task:key`, map functions by id. */
function shape(source: MapSource): unknown {
  switch (source.kind) {
    case 'literal':
      return { literal: source.items.map((item) => (item instanceof XComArg ? ref(item) : item)) };
    case 'xcom':
      return ref(source.arg);
    case 'map':
      return { map: shape(source.source), fnId: source.fnId };
    case 'zip':
      return { zip: source.sources.map(shape), ...(source.longest && { fillValue: source.fillValue }) };
    case 'concat':
      return { concat: source.sources.map(shape) };
  }
}

describe('defineDag: tasks and their dependencies', () => {
  test('a task output passed as an argument, at any depth of lists and objects, makes its task upstream', () => {
    const dag = defineDag({ dagId: 'deep_args' }, (d) => {
      const t = d.tasks<Acts>();
      const stats = t.stats();
      const a = t.double(1);
      const b = t.double(2);
      t.report({ stats: { total: stats.total }, parts: [a, b] }, 'note');
    });
    expect(dag.spec.tasks.map((t) => t.taskId)).toEqual(['stats', 'double', 'double__1', 'report']);
    expect(upstream(dag, 'report')).toEqual(['double', 'double__1', 'stats']);
    const [summary, note] = task(dag, 'report').args as [{ stats: { total: unknown }; parts: unknown[] }, string];
    expect(ref(summary.stats.total)).toBe('stats:total');
    expect(summary.parts.map(ref)).toEqual(['double:return_value', 'double__1:return_value']);
    expect(note).toBe('note');
    expect(upstream(dag, 'stats')).toEqual([]);
    expect(dag.warnings).toEqual([]);
  });

  test('expand sources make their tasks upstream, also inside map, zip, concat and literal lists', () => {
    const dag = defineDag({ dagId: 'expand_deps' }, (d) => {
      const t = d.tasks<Acts>();
      const rows = t.extract();
      const more = t.extract();
      const first = t.double(1);
      t.add.expand(rows.map((n: number) => n + 1), more.zip([1, 2]).concat([3]));
      t.double.expand([first, 5]);
    });
    expect(upstream(dag, 'add')).toEqual(['extract', 'extract__1']);
    expect(upstream(dag, 'double__1')).toEqual(['double']);
  });

  test('a.then(b) and a.then([b, c]) set explicit dependencies and return what they were given', () => {
    let returned: unknown[] = [];
    const dag = defineDag({ dagId: 'explicit' }, (d) => {
      const t = d.tasks<Acts>();
      const a = t.notify.with({ taskId: 'a' })();
      const b = t.notify.with({ taskId: 'b' })();
      const c = t.notify.with({ taskId: 'c' })();
      const e = t.notify.with({ taskId: 'e' })();
      const f = t.notify.with({ taskId: 'f' })();
      const list = [b, c];
      returned = [a.then(b), a.then(list), e.then(f).then(b)];
      expect(returned[0]).toBe(b);
      expect(returned[1]).toBe(list);
    });
    expect(upstream(dag, 'a')).toEqual([]);
    expect(upstream(dag, 'b')).toEqual(['a', 'f']);
    expect(upstream(dag, 'c')).toEqual(['a']);
    expect(upstream(dag, 'f')).toEqual(['e']);
    expect(dag.spec.edges).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'c'],
      ['e', 'f'],
      ['f', 'b'],
    ]);
  });

  test("dag.chain(a, [b, c], d) is a >> [b, c] >> d (Airflow's chain)", () => {
    const dag = defineDag({ dagId: 'chained' }, (d) => {
      const t = d.tasks<Acts>();
      const [a, b, c, e] = ['a', 'b', 'c', 'd'].map((taskId) => t.notify.with({ taskId })());
      d.chain(a!, [b!, c!], e!);
    });
    expect(upstream(dag, 'b')).toEqual(['a']);
    expect(upstream(dag, 'c')).toEqual(['a']);
    expect(upstream(dag, 'd')).toEqual(['b', 'c']);
  });

  test('dag.chain pairs two neighbouring lists one to one, and refuses lists of different lengths', () => {
    const dag = defineDag({ dagId: 'paired' }, (d) => {
      const t = d.tasks<Acts>();
      const [a, b, c, e] = ['a', 'b', 'c', 'd'].map((taskId) => t.notify.with({ taskId })());
      d.chain([a!, b!], [c!, e!]);
    });
    expect(upstream(dag, 'c')).toEqual(['a']);
    expect(upstream(dag, 'd')).toEqual(['b']);
    expect(() =>
      defineDag({ dagId: 'unpaired' }, (d) => {
        const t = d.tasks<Acts>();
        d.chain([t.notify(), t.notify()], [t.notify()]);
      }),
    ).toThrow('chain(): neighbouring lists must have the same length, got 2 and 1');
  });

  test('the task factories are not thenable, and map() refuses a task in place of a function', async () => {
    let factories: unknown;
    defineDag({ dagId: 'factories' }, (d) => {
      factories = d.tasks<Acts>();
    });
    expect(await Promise.resolve(factories)).toBe(factories);
    expect(() =>
      defineDag({ dagId: 'map_task' }, (d) => {
        const t = d.tasks<Acts>();
        t.double.expand(t.extract().map(t.double));
      }),
    ).toThrow('map() argument must be a plain function, not a task');
  });

  test('awaiting a task output in the build function fails loudly instead of hanging', async () => {
    let awaited: Promise<unknown> | undefined;
    defineDag({ dagId: 'awaited' }, (d) => {
      const t = d.tasks<Acts>();
      const output = t.extract();
      awaited = Promise.resolve().then(() => output);
    });
    await expect(awaited).rejects.toThrow(/task output is not a promise: do not await it/);
  });
});

describe('defineDag: task ids and options', () => {
  test('task ids default to the activity name, then name__1, name__2; .with({ taskId }) names a task', () => {
    const dag = defineDag({ dagId: 'ids' }, (d) => {
      const t = d.tasks<Acts>();
      t.extract();
      t.extract();
      t.extract.with({ taskId: 'named' })();
      t.extract();
      t.double.expand([1]);
    });
    expect(dag.spec.tasks.map((t) => [t.taskId, t.activityType])).toEqual([
      ['extract', 'extract'],
      ['extract__1', 'extract'],
      ['named', 'extract'],
      ['extract__2', 'extract'],
      ['double', 'double'],
    ]);
  });

  test('options merge: the DAG defaultTaskOptions, then dag.tasks(defaults), then .with(...), later wins', () => {
    const dag = defineDag(
      { dagId: 'merged', defaultTaskOptions: { retries: 1, retryDelay: '1 minute', executionTimeout: '10 minutes' } },
      (d) => {
        const t = d.tasks<Acts>({ retries: 2, triggerRule: 'all_done' });
        t.extract();
        t.double.with({ retries: 5 }).with({ taskId: 'five', multipleOutputs: true })(1);
        d.tasks<Acts>().notify();
      },
    );
    expect(task(dag, 'extract').options).toEqual({ retries: 2, retryDelay: '1 minute', executionTimeout: '10 minutes', triggerRule: 'all_done' });
    expect(task(dag, 'five').options).toEqual({
      retries: 5,
      retryDelay: '1 minute',
      executionTimeout: '10 minutes',
      triggerRule: 'all_done',
      taskId: 'five',
      multipleOutputs: true,
    });
    expect(task(dag, 'notify').options).toEqual({ retries: 1, retryDelay: '1 minute', executionTimeout: '10 minutes' });
  });

  test('defineDag returns the id, the options it was given and the spec', () => {
    const options = { dagId: 'returned', maxActiveTasks: 4 };
    const dag = defineDag(options, (d) => void d.tasks<Acts>().notify());
    expect(dag.dagId).toBe('returned');
    expect(dag.options).toBe(options);
    expect(dag.spec.dagId).toBe('returned');
    expect(dag.warnings).toEqual([]);
  });
});

describe('defineDag: task outputs', () => {
  test('output.someKey and output.get(key) are XComArgs of the same task with that key', () => {
    defineDag({ dagId: 'keys' }, (d) => {
      const stats = d.tasks<Acts>().stats.with({ multipleOutputs: true })();
      expect(ref(stats)).toBe('stats:return_value');
      expect(ref(stats.total)).toBe('stats:total');
      expect(ref(stats.rows)).toBe('stats:rows');
      expect(ref(stats.get('a/b'))).toBe('stats:a/b');
      // A key named like an XComArg member is read with get().
      expect(typeof stats.map).toBe('function');
      expect(ref(stats.get('map'))).toBe('stats:map');
      expect(String(stats.rows)).toBe('XComArg(stats, rows)');
      expect(() => stats.get('')).toThrow('XComArg.get: key must be a non-empty string, got ');
    });
  });

  test('tools that probe objects (JSON, jest matchers) do not see multipleOutputs keys', () => {
    defineDag({ dagId: 'probes' }, (d) => {
      const out = d.tasks<Acts>().extract() as unknown as Record<string, unknown>;
      expect(JSON.stringify({ out: typeof out.toJSON })).toBe('{"out":"undefined"}');
      expect(out.asymmetricMatch).toBeUndefined();
      expect(out.$$typeof).toBeUndefined();
    });
  });
});

describe('defineDag: dynamic task mapping', () => {
  test('expand over a task output, a literal list, and several lists (cross product)', () => {
    const dag = defineDag({ dagId: 'expand_shapes' }, (d) => {
      const t = d.tasks<Acts>();
      const rows = t.extract();
      t.double.expand(rows);
      t.double.expand([1, 2, 3]);
      t.add.expand([1, 2], rows);
    });
    expect(task(dag, 'double').expand).toMatchObject({ kind: 'args' });
    expect(task(dag, 'double').args).toEqual([]);
    const sources = (id: string) => {
      const expand = task(dag, id).expand!;
      return expand.kind === 'args' ? expand.sources.map(shape) : shape(expand.source);
    };
    expect(sources('double')).toEqual(['extract:return_value']);
    expect(sources('double__1')).toEqual([{ literal: [1, 2, 3] }]);
    expect(sources('add')).toEqual([{ literal: [1, 2] }, 'extract:return_value']);
  });

  test('partial(...) fixes leading arguments and expand maps the rest', () => {
    const dag = defineDag({ dagId: 'partial' }, (d) => {
      const t = d.tasks<Acts>();
      const rows = t.extract();
      const one = t.double(1);
      t.add.partial(one).expand(rows);
      t.add.partial(10).expand([1, 2]);
    });
    const add = task(dag, 'add');
    expect(add.args.map(ref)).toEqual(['double:return_value']);
    expect(add.expand?.kind === 'args' && add.expand.sources.map(shape)).toEqual(['extract:return_value']);
    expect(upstream(dag, 'add')).toEqual(['double', 'extract']);
    expect(task(dag, 'add__1').args).toEqual([10]);
  });

  test('expandKwargs maps over argument objects; partial fixes some of their fields', () => {
    const dag = defineDag({ dagId: 'kwargs' }, (d) => {
      const t = d.tasks<Acts>();
      const rows = t.extract();
      t.load.expandKwargs([{ rows: [1], table: 'a' }, { rows, table: 'b' }]);
      t.load.partial({ table: 'fixed' }).expandKwargs([{ rows: [1] }, { rows: [2] }]);
      // A list of argument objects from a task (typed as one here: extract's own type is number[]).
      t.load.expandKwargs(t.extract.with({ taskId: 'batches' })() as never);
    });
    const load = task(dag, 'load');
    expect(load.expand?.kind).toBe('kwargs');
    const literal = load.expand?.kind === 'kwargs' ? (load.expand.source as unknown as { items: { rows: unknown }[] }).items : [];
    expect(ref(literal[1]?.rows)).toBe('extract:return_value');
    expect(upstream(dag, 'load')).toEqual(['extract']);
    expect(task(dag, 'load__1').args).toEqual([{ table: 'fixed' }]);
    expect(task(dag, 'load__2').expand).toEqual({ kind: 'kwargs', source: { kind: 'xcom', arg: expect.any(XComArg) } });
    expect(upstream(dag, 'load__2')).toEqual(['batches']);
  });

  test('map, zip (shortest, or longest with fillValue) and concat build nested sources; map functions get ids', () => {
    const double = (n: number) => n * 2;
    const label = (pair: [number, number]) => `${pair[0]}-${pair[1]}`;
    const dag = defineDag({ dagId: 'derived' }, (d) => {
      const t = d.tasks<Acts>();
      const a = t.extract();
      const b = t.extract();
      t.double.expand(a.map(double));
      t.total.expand(a.zip(b, [7]));
      t.total.expand(a.zip(b, { fillValue: 0 }));
      t.double.expand(a.concat(b, [9]));
      t.report.expand(a.zip(b).map(label).concat(['extra']));
    });
    const only = (id: string) => {
      const expand = task(dag, id).expand!;
      return expand.kind === 'args' ? shape(expand.sources[0]!) : undefined;
    };
    expect(only('double')).toEqual({ map: 'extract:return_value', fnId: 1 });
    expect(only('total')).toEqual({ zip: ['extract:return_value', 'extract__1:return_value', { literal: [7] }] });
    expect(only('total__1')).toEqual({ zip: ['extract:return_value', 'extract__1:return_value'], fillValue: 0 });
    expect(only('double__1')).toEqual({ concat: ['extract:return_value', 'extract__1:return_value', { literal: [9] }] });
    expect(only('report')).toEqual({
      concat: [{ map: { zip: ['extract:return_value', 'extract__1:return_value'] }, fnId: 2 }, { literal: ['extra'] }],
    });
    expect([...dag.spec.mapFunctions.entries()]).toEqual([
      [1, double],
      [2, label],
    ]);
  });

  test('misuse of expand, map, zip and concat throws at once with what was wrong', () => {
    defineDag({ dagId: 'misuse' }, (d) => {
      const t = d.tasks<Acts>();
      const rows = t.extract();
      expect(() => (t.double.expand as (...a: unknown[]) => unknown)()).toThrow('expand() needs at least one list to map over');
      expect(() => t.double.expand('abc' as never)).toThrow(
        'expand() needs a list, a task output, or a .map/.zip/.concat of them; got string',
      );
      expect(() => rows.map('not a function' as never)).toThrow('map() argument must be a plain function');
      expect(() => (rows.zip as () => unknown)()).toThrow('zip() needs at least one other list');
      expect(() => (rows.concat as () => unknown)()).toThrow('concat() needs at least one other list');
    });
  });
});
