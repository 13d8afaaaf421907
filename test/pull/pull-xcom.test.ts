import { randomBytes } from 'node:crypto';
import { XComIdentityError } from '../../src/errors';
import { pendingOverlay, pullXCom, type PullCaller, type PullOptions } from '../../src/pull';
import { XComStore } from '../../src/store/xcom-store';
import type { XComBackend } from '../../src/store/backend';
import type { GetManyOptions, XComFilter, XComWrite } from '../../src/store/types';
import { openEngine, openObjectStore, uniqueRunId } from '../helpers/store-fixtures';
import { countingBackend } from './counting-backend';

/** Pull semantics against a real store (Postgres + a local object directory): Airflow 3's xcom_pull shapes. */
describe('pullXCom', () => {
  const released: (() => Promise<void>)[] = [];
  let store: XComStore;
  const dag = `pull_${randomBytes(3).toString('hex')}`;
  const runId = uniqueRunId('pull');
  const caller: PullCaller = { dagId: dag, runId, taskId: 'caller', mapIndex: -1 };
  const day = (d: number) => new Date(Date.UTC(2024, 0, d));

  const write = (taskId: string, value: unknown, more: Partial<XComWrite> = {}): XComWrite => ({
    dagId: dag,
    runId,
    taskId,
    key: 'return_value',
    value,
    attempt: 1,
    ...more,
  });

  beforeAll(async () => {
    const engine = await openEngine('postgres');
    const objects = await openObjectStore('directory');
    released.push(objects.release, engine.release);
    store = new XComStore({ engine: engine.value, objectStore: objects.value });
    await store.commit([
      write('unmapped', 'u'),
      write('unmapped', 'u-other', { key: 'other' }),
      write('unmapped2', 'u2'),
      write('mapped1', 'm1-0', { mapIndex: 0 }),
      // Committed out of order: results must still come in map-index order.
      write('mapped3', 'm3-2', { mapIndex: 2 }),
      write('mapped3', 'm3-0', { mapIndex: 0 }),
      write('mapped3', 'm3-1', { mapIndex: 1 }),
      // Instance 1 returned null, so it pushed nothing and drops out.
      write('gappy', 'g0', { mapIndex: 0 }),
      write('gappy', 'g2', { mapIndex: 2 }),
      write('pushes_null', null, { key: 'maybe' }),
      write('caller', 'committed', { key: 'mine' }),
      write('unmapped', 'elsewhere', { dagId: `${dag}_other`, runId: 'other-run' }),
    ]);
  });

  afterAll(async () => {
    for (const release of released) await release();
  });

  const pull = (options: PullOptions, who: PullCaller = caller) => pullXCom(store, who, options);

  describe('path A: mapIndexes omitted (every map index)', () => {
    test.each<[string, PullOptions, unknown]>([
      ['single unmapped task → its value', { taskIds: 'unmapped' }, 'u'],
      ['the same task in a list → a list', { taskIds: ['unmapped'] }, ['u']],
      ['mapped task with one instance → a list (Airflow #59008, fixed)', { taskIds: 'mapped1' }, ['m1-0']],
      ['mapped task with three instances → list in map-index order', { taskIds: 'mapped3' }, ['m3-0', 'm3-1', 'm3-2']],
      ['mapped instance with no row drops out', { taskIds: 'gappy' }, ['g0', 'g2']],
      [
        'list of tasks → flat, task-major',
        { taskIds: ['mapped3', 'unmapped', 'mapped1'] },
        ['m3-0', 'm3-1', 'm3-2', 'u', 'm1-0'],
      ],
      ['duplicated task ids repeat', { taskIds: ['unmapped', 'mapped1', 'unmapped'] }, ['u', 'm1-0', 'u']],
      ['missing single task → null', { taskIds: 'missing' }, null],
      ['missing single task → default', { taskIds: 'missing', default: 'd' }, 'd'],
      ['default may be undefined', { taskIds: 'missing', default: undefined }, undefined],
      [
        'a missing task in a list → default in its place',
        { taskIds: ['unmapped', 'missing', 'unmapped2'], default: 'd' },
        ['u', 'd', 'u2'],
      ],
      ['another key', { taskIds: 'unmapped', key: 'other' }, 'u-other'],
      ['a stored null is a value here', { taskIds: 'pushes_null', key: 'maybe', default: 'd' }, null],
      ['taskIds omitted → the calling task', { key: 'mine' }, 'committed'],
      ['taskIds omitted, nothing pushed → null', {}, null],
      ['another DAG and run', { dagId: `${dag}_other`, runId: 'other-run', taskIds: 'unmapped' }, 'elsewhere'],
      ['another DAG, same run id → nothing there', { dagId: `${dag}_other`, taskIds: 'unmapped' }, null],
    ])('%s', async (_name, options, expected) => {
      expect(await pull(options)).toEqual(expected);
    });
  });

  describe('path B: mapIndexes given', () => {
    test.each<[string, PullOptions, unknown]>([
      ['one task, one index → the value', { taskIds: 'mapped3', mapIndexes: 1 }, 'm3-1'],
      ['null → the unmapped row', { taskIds: 'unmapped', mapIndexes: null }, 'u'],
      ['-1 → the unmapped row', { taskIds: 'unmapped', mapIndexes: -1 }, 'u'],
      ['null on a mapped task → null', { taskIds: 'mapped3', mapIndexes: null }, null],
      ['null on a mapped task → default', { taskIds: 'mapped3', mapIndexes: null, default: 'd' }, 'd'],
      ['index past the end → default', { taskIds: 'mapped3', mapIndexes: 7, default: 'd' }, 'd'],
      ['the unmapped row of a task in a list → a list', { taskIds: ['unmapped'], mapIndexes: null }, ['u']],
      ['a list of one index → a list', { taskIds: 'mapped3', mapIndexes: [1] }, ['m3-1']],
      ['indexes in the order given', { taskIds: 'mapped3', mapIndexes: [2, 0] }, ['m3-2', 'm3-0']],
      ['null inside a list', { taskIds: 'unmapped', mapIndexes: [null, 0], default: 'd' }, ['u', 'd']],
      [
        'tasks × indexes in product order, default where missing',
        { taskIds: ['mapped3', 'gappy'], mapIndexes: [1, 0], default: 'd' },
        ['m3-1', 'm3-0', 'd', 'g0'],
      ],
      ['duplicated task ids', { taskIds: ['mapped3', 'mapped3'], mapIndexes: [0] }, ['m3-0', 'm3-0']],
      ['duplicated indexes', { taskIds: 'mapped3', mapIndexes: [1, 1] }, ['m3-1', 'm3-1']],
      ['no indexes → empty list', { taskIds: 'mapped3', mapIndexes: [] }, []],
      ['a stored null gives default (as Airflow get_one)', { taskIds: 'pushes_null', key: 'maybe', mapIndexes: null, default: 'd' }, 'd'],
      ['taskIds omitted → the calling task', { key: 'mine', mapIndexes: null }, 'committed'],
    ])('%s', async (_name, options, expected) => {
      expect(await pull(options)).toEqual(expected);
    });
  });

  describe('includePriorDates', () => {
    const daily = `${dag}_daily`;
    const runs = { d1: uniqueRunId('d1'), d2: uniqueRunId('d2'), d3: uniqueRunId('d3'), d4: uniqueRunId('d4') };
    /** A task of `daily` in one of its runs; `undated` leaves out the caller's logical date. */
    const at = (run: keyof typeof runs, undated?: 'undated'): PullCaller => ({
      dagId: daily,
      runId: runs[run],
      taskId: 'consumer',
      mapIndex: -1,
      ...(!undated && { logicalDate: day(Number(run[1])) }),
    });

    beforeAll(async () => {
      const w = (run: keyof typeof runs, taskId: string, value: unknown, mapIndex = -1): XComWrite =>
        write(taskId, value, { dagId: daily, runId: runs[run], logicalDate: day(Number(run[1])), mapIndex });
      await store.commit([
        w('d1', 'total', 't1'),
        w('d2', 'total', 't2'),
        w('d3', 'total', 't3'),
        w('d1', 'rare', 'r1'),
        ...[0, 1, 2].map((i) => w('d1', 'parts', `p1-${i}`, i)),
        ...[0, 1].map((i) => w('d2', 'parts', `p2-${i}`, i)),
      ]);
      // A twin DAG with later runs and the same task ids: it must never leak into a pull of `daily`.
      await store.set({ ...write('total', 'twin'), dagId: `${daily}_twin`, runId: runs.d3, logicalDate: day(30) });
    });

    test.each<[string, PullCaller, PullOptions, unknown]>([
      ['this run is the newest at or before itself', at('d3'), { taskIds: 'total' }, 't3'],
      ['a later run is never read', at('d2'), { taskIds: 'total' }, 't2'],
      ['this run has nothing yet: the newest earlier run (Airflow #54610)', at('d4'), { taskIds: 'total' }, 't3'],
      ['caller without a logical date: the store dates its run', at('d3', 'undated'), { taskIds: 'total' }, 't3'],
      ['a mapped task gives one run’s values, not a mix', at('d3'), { taskIds: 'parts' }, ['p2-0', 'p2-1']],
      ['each task its own newest run', at('d3'), { taskIds: ['total', 'rare'] }, ['t3', 'r1']],
      ['path B: the newest run with that index', at('d3'), { taskIds: 'parts', mapIndexes: 2 }, 'p1-2'],
      ['path B: product order', at('d3'), { taskIds: ['parts', 'total'], mapIndexes: [1, null], default: 'd' }, ['p2-1', 'd', 'd', 't3']],
      ['an explicit earlier run is the cutoff', at('d3'), { taskIds: 'total', runId: runs.d1 }, 't1'],
      ['never found → default', at('d3'), { taskIds: 'never', default: 'd' }, 'd'],
    ])('same DAG: %s', async (_name, who, options, expected) => {
      expect(await pull({ ...options, includePriorDates: true }, who)).toEqual(expected);
    });

    test('without includePriorDates only this run is read', async () => {
      expect(await pull({ taskIds: 'total' }, at('d4'))).toBeNull();
    });

    test.each<[string, Date | undefined, unknown]>([
      ['cutoff between runs 2 and 3', new Date(Date.UTC(2024, 0, 2, 12)), 't2'],
      ['cutoff exactly on run 1', day(1), 't1'],
      ['cutoff after every run', day(20), 't3'],
      ['cutoff before every run', new Date(Date.UTC(2023, 11, 31)), 'd'],
      ['caller without a logical date: now', undefined, 't3'],
    ])('cross-DAG, cutoff = the caller’s logical date (Airflow #70173): %s', async (_name, logicalDate, expected) => {
      const consumer: PullCaller = {
        dagId: `${dag}_consumer`,
        runId: uniqueRunId('c'),
        taskId: 'read',
        mapIndex: -1,
        ...(logicalDate && { logicalDate }),
      };
      const options = { dagId: daily, taskIds: 'total', includePriorDates: true, default: 'd' };
      expect(await pull(options, consumer)).toBe(expected);
    });

    test('cross-DAG with an explicit run: that run is the cutoff', async () => {
      const consumer: PullCaller = { dagId: `${dag}_consumer`, runId: 'c', taskId: 'read', mapIndex: -1, logicalDate: day(20) };
      expect(await pull({ dagId: daily, runId: runs.d2, taskIds: 'total', includePriorDates: true }, consumer)).toBe('t2');
    });
  });

  describe('the caller’s pending pushes', () => {
    const overlay = pendingOverlay(new Map<string, unknown>([['mine', 'pending'], ['return_value', 'ret']]));
    const withOverlay = (options: PullOptions, who: PullCaller = caller) => pullXCom(store, who, options, overlay);

    test.each<[string, PullOptions, unknown]>([
      ['win over the committed value', { key: 'mine' }, 'pending'],
      ['are read where nothing is committed', {}, 'ret'],
      ['by task id, in a list with others', { taskIds: ['unmapped', 'caller'], key: 'return_value' }, ['u', 'ret']],
      ['path B at the caller’s index', { key: 'mine', mapIndexes: null }, 'pending'],
      ['never for another task', { taskIds: 'unmapped', key: 'mine' }, null],
      ['never for another run', { runId: 'other-run', key: 'mine' }, null],
      ['never for another DAG', { dagId: `${dag}_other`, key: 'mine' }, null],
      ['never for another map index', { key: 'mine', mapIndexes: 0 }, null],
      ['with includePriorDates: this run wins', { key: 'mine', includePriorDates: true }, 'pending'],
    ])('%s', async (_name, options, expected) => {
      expect(await withOverlay(options)).toEqual(expected);
    });

    test('a mapped caller’s pending value takes its place among its siblings', async () => {
      const mapped = (mapIndex: number): PullCaller => ({ ...caller, taskId: 'mapped3', mapIndex });
      expect(await withOverlay({}, mapped(1))).toEqual(['m3-0', 'ret', 'm3-2']);
      expect(await withOverlay({}, mapped(3))).toEqual(['m3-0', 'm3-1', 'm3-2', 'ret']);
      expect(await withOverlay({ mapIndexes: 1 }, mapped(1))).toBe('ret');
      expect(await withOverlay({ mapIndexes: [0, 1] }, mapped(1))).toEqual(['m3-0', 'ret']);
      expect(await withOverlay({ mapIndexes: null }, mapped(1))).toBeNull();
    });

    test('with includePriorDates, a pending value beats an earlier run', async () => {
      const runs = { old: uniqueRunId('old'), now: uniqueRunId('now') };
      const prior = `${dag}_prior_overlay`;
      await store.set({ ...write('count', 1), dagId: prior, runId: runs.old, logicalDate: day(1) });
      const who: PullCaller = { dagId: prior, runId: runs.now, taskId: 'count', mapIndex: -1, logicalDate: day(2) };
      expect(await pullXCom(store, who, { includePriorDates: true })).toBe(1);
      const pending = pendingOverlay(new Map([['return_value', 2]]));
      expect(await pullXCom(store, who, { includePriorDates: true }, pending)).toBe(2);
    });
  });

  describe('round trips', () => {
    test('path A and path B read once, whatever the number of tasks', async () => {
      const counted = countingBackend(store);
      await pullXCom(counted.store, caller, { taskIds: ['mapped3', 'unmapped', 'gappy', 'mapped3'] });
      expect(counted.calls).toEqual({ getMany: 1 });
      counted.reset();
      expect(await pullXCom(counted.store, caller, { taskIds: ['mapped3', 'gappy'], mapIndexes: [0, 2] })).toEqual([
        'm3-0',
        'm3-2',
        'g0',
        'g2',
      ]);
      expect(counted.calls).toEqual({ getMany: 1 });
      expect(counted.rowsFetched).toBe(4);
    });

    test('includePriorDates: values of the chosen run only', async () => {
      const counted = countingBackend(store);
      const daily = `${dag}_rt`;
      for (const d of [1, 2, 3]) {
        await store.commit(
          [0, 1, 2].map((i) => ({ ...write('wide', `${d}-${i}`, { mapIndex: i }), dagId: daily, runId: `rt-${d}`, logicalDate: day(d) })),
        );
      }
      const who: PullCaller = { dagId: daily, runId: 'rt-3', taskId: 'x', mapIndex: -1, logicalDate: day(3) };
      expect(await pullXCom(counted.store, who, { taskIds: 'wide', includePriorDates: true })).toEqual(['3-0', '3-1', '3-2']);
      // One query finds the run and reads its three values.
      expect(counted.calls.getMany).toBe(1);
      expect(counted.rowsFetched).toBe(3);

      // A backend that ignores newestRunOnly returns every prior run's rows: the pull still keeps the newest run's.
      const ignoring: XComBackend = Object.assign(Object.create(store) as XComBackend, {
        getMany: (filter: XComFilter, options?: GetManyOptions) => store.getMany({ ...filter, newestRunOnly: undefined }, options),
      });
      expect(await pullXCom(ignoring, who, { taskIds: 'wide', includePriorDates: true })).toEqual(['3-0', '3-1', '3-2']);
      expect(await pullXCom(ignoring, { ...who, logicalDate: day(2) }, { taskIds: 'wide', includePriorDates: true })).toEqual([
        '2-0',
        '2-1',
        '2-2',
      ]);
    });
  });

  describe('validation names the field; a missing value never throws', () => {
    test.each<[string, PullOptions, string, RegExp]>([
      ['empty key', { key: '' }, 'key', /key.*non-empty/],
      ['empty taskIds list', { taskIds: [] }, 'taskIds', /taskIds must be a task id or a non-empty list/],
      ['empty task id', { taskIds: '' }, 'taskIds', /taskIds: .*task_id/],
      ['empty task id in a list', { taskIds: ['a', ''] }, 'taskIds', /taskIds\[1\]: .*task_id/],
      ['negative map index', { mapIndexes: -2 }, 'mapIndexes', /mapIndexes: .*map_index.*-2/],
      ['fractional map index in a list', { mapIndexes: [0, 1.5] }, 'mapIndexes', /mapIndexes\[1\]: .*1\.5/],
      ['map indexes of the wrong type', { mapIndexes: 'x' as unknown as number }, 'mapIndexes', /mapIndexes must be/],
      ['empty dag id', { dagId: '' }, 'dagId', /dag_id/],
      ['empty run id', { runId: '' }, 'runId', /run_id/],
    ])('%s', async (_name, options, field, message) => {
      const failure = pull(options);
      await expect(failure).rejects.toBeInstanceOf(XComIdentityError);
      await expect(failure).rejects.toMatchObject({ field, message: expect.stringMatching(message) });
    });

    test('a caller with an invalid logical date, when includePriorDates needs it', async () => {
      const undated = { ...caller, logicalDate: new Date(Number.NaN) };
      const failure = pull({ includePriorDates: true }, undated);
      await expect(failure).rejects.toMatchObject({ field: 'logicalDate', message: expect.stringMatching(/invalid Date/) });
      expect(await pull({ key: 'mine' }, undated)).toBe('committed');
    });
  });
});
