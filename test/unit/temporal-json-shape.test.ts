import { toTemporalJsonShape, type ShapeChange } from '../../src/codec/temporal-json-shape';
import { fromJsonText, toJsonText } from '../../src/codec/json-value';
import { setXComLogger } from '../../src/log/xcom-log';
import { warnShapeChange } from '../../src/worker/shape-warnings';
import type { TaskInstance } from '../../src/worker/task-instance';

class Greeting {
  constructor(readonly text: string) {}
  shout(): string {
    return this.text.toUpperCase();
  }
}

/** The shaped value, what our codec stores for it, and the changes reported. */
function shape(value: unknown): { shaped: unknown; stored: unknown; changes: ShapeChange[] } {
  const changes: ShapeChange[] = [];
  const shaped = toTemporalJsonShape(value, (change) => changes.push(change));
  return { shaped, stored: fromJsonText(toJsonText(shaped)), changes };
}

describe("values shaped as Temporal's JSON converter sends them", () => {
  it('leaves values our codec keeps alone, and returns the same object', () => {
    const value = { at: new Date(0), ids: new Set([1]), m: new Map([['a', 1n]]), bytes: Buffer.from('x'), list: [1, 'two', null] };
    const { shaped, changes } = shape(value);
    expect(shaped).toBe(value);
    expect(changes).toEqual([]);
  });

  it('records a class instance as its enumerable fields, at any depth', () => {
    const { stored, changes } = shape({ greeting: new Greeting('hi'), list: [new Greeting('a')] });
    expect(stored).toEqual({ greeting: { text: 'hi' }, list: [{ text: 'a' }] });
    expect(changes).toEqual([
      { path: '$.greeting', what: 'an instance of Greeting', action: 'recorded as its enumerable fields' },
      { path: '$.list[0]', what: 'an instance of Greeting', action: 'recorded as its enumerable fields' },
    ]);
    expect(shape(new Greeting('top')).stored).toEqual({ text: 'top' });
  });

  it('drops functions and symbols from objects and writes them as null in arrays, as JSON.stringify does', () => {
    const value = { name: 'r', format: () => 'x', rows: [1, function load() {}, Symbol('s')], nested: { fn: () => 0, keep: 1 } };
    const { shaped, stored, changes } = shape(value);
    expect(stored).toEqual(JSON.parse(JSON.stringify(value)));
    expect(stored).toEqual({ name: 'r', rows: [1, null, null], nested: { keep: 1 } });
    expect(changes.map((c) => `${c.path} ${c.action}`)).toEqual([
      '$.format dropped',
      '$.rows[1] written as null',
      '$.rows[2] written as null',
      '$.nested.fn dropped',
    ]);
    expect(value.format).toBeInstanceOf(Function); // the caller's value is not changed
    expect(shaped).not.toBe(value);
  });

  it('shapes values inside Maps and Sets, keeping the containers', () => {
    const { stored } = shape({ m: new Map([['g', new Greeting('m')]]), s: new Set([() => 1]) });
    expect(stored).toEqual({ m: new Map([['g', { text: 'm' }]]), s: new Set([null]) });
  });

  it('leaves what Temporal refuses too to the codec: a top-level function, a cycle', () => {
    const fn = () => 1;
    expect(shape.bind(null, fn)).toThrow(/a function \(fn\) at \$ is not serializable/);
    const cyclic: Record<string, unknown> = { a: [() => 1] };
    cyclic.self = cyclic;
    const changes: ShapeChange[] = [];
    expect(toTemporalJsonShape(cyclic, (change) => changes.push(change))).toBe(cyclic);
    expect(changes).toEqual([]); // nothing is reported for a value that then fails
    const row: Record<string, unknown> = { ok: 1 };
    row.self = row;
    expect(() => shape({ rows: [row] })).toThrow(/the value at \$\.rows\[0\]\.self refers back to \$\.rows\[0\]/);
  });

  it('warns once per DAG, task and path', () => {
    const warnings: string[] = [];
    setXComLogger({ info() {}, warn: (message) => warnings.push(message) });
    try {
      const task = { dagId: 'etl', taskId: 'greet' } as TaskInstance;
      const change: ShapeChange = { path: '$.fn', what: 'a function (fn)', action: 'dropped' };
      warnShapeChange(task, change);
      warnShapeChange(task, change);
      warnShapeChange({ ...task, taskId: 'other' }, change);
      warnShapeChange(task, { ...change, path: '$.other' });
      expect(warnings).toHaveLength(3);
      expect(warnings[0]).toBe(
        "temporal-xcom: task 'greet' of DAG 'etl' returned a function (fn) at $.fn; dropped, as Temporal's JSON converter does (said once per task and path)",
      );
    } finally {
      setXComLogger(undefined);
    }
  });
});
