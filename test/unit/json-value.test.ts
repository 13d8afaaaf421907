import { XComIntegrityError, XComSerializationError } from '../../src/errors';
import { fromJsonText, toJsonText } from '../../src/codec';

const roundTrip = (value: unknown): unknown => fromJsonText(toJsonText(value));

/** Runs toJsonText expecting a serialization error, and returns it. */
function serializationError(value: unknown, location?: Parameters<typeof toJsonText>[1]): XComSerializationError {
  try {
    toJsonText(value, location);
  } catch (error) {
    expect(error).toBeInstanceOf(XComSerializationError);
    return error as XComSerializationError;
  }
  throw new Error('expected toJsonText to throw');
}

describe('toJsonText / fromJsonText round trips', () => {
  it('keeps plain JSON identical to JSON.stringify', () => {
    const value = { a: 1, b: 'two', c: [true, null, { d: 1.5 }], e: {} };
    expect(toJsonText(value)).toBe(JSON.stringify(value));
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it.each([
    ['string', 'héllo \u{1F600} \ud800'],
    ['number', 42.5],
    ['boolean', false],
    ['null', null],
    ['array', [1, 'a', null]],
  ])('round-trips a top-level %s', (_name, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('round-trips a top-level undefined', () => {
    expect(toJsonText(undefined)).toBe('{"$xcom":"undefined"}');
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it('round-trips Dates, including invalid and extreme ones', () => {
    const value = { at: new Date('2024-05-01T12:34:56.789Z'), bad: new Date(NaN), far: new Date(8.64e15) };
    const back = roundTrip(value) as typeof value;
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.getTime()).toBe(value.at.getTime());
    expect(back.bad).toBeInstanceOf(Date);
    expect(Number.isNaN(back.bad.getTime())).toBe(true);
    expect(back.far.getTime()).toBe(8.64e15);
    expect(roundTrip(new Date(0))).toStrictEqual(new Date(0));
  });

  it('round-trips BigInts of either sign and any size', () => {
    const huge = 2n ** 200n + 12345n;
    const back = roundTrip({ list: [0n, -1n, huge, -huge], one: 7n }) as { list: bigint[]; one: bigint };
    expect(back).toStrictEqual({ list: [0n, -1n, huge, -huge], one: 7n });
    expect(typeof back.one).toBe('bigint');
    expect(roundTrip(-huge)).toBe(-huge);
  });

  it('round-trips NaN, ±Infinity and -0', () => {
    const back = roundTrip([NaN, Infinity, -Infinity, -0, 0]) as number[];
    expect(back[0]).toBeNaN();
    expect(back[1]).toBe(Infinity);
    expect(back[2]).toBe(-Infinity);
    expect(Object.is(back[3], -0)).toBe(true);
    expect(Object.is(back[4], 0)).toBe(true);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip({ n: NaN })).toStrictEqual({ n: NaN });
  });

  it('keeps undefined array elements and holes apart', () => {
    // eslint-disable-next-line no-sparse-arrays
    const value = [1, undefined, , 4];
    const back = roundTrip(value) as unknown[];
    expect(back).toStrictEqual(value);
    expect(back).toHaveLength(4);
    expect(1 in back).toBe(true);
    expect(2 in back).toBe(false);
    const sparse: unknown[] = [];
    sparse[5] = 'x';
    expect(roundTrip(sparse)).toStrictEqual(sparse);
  });

  it('drops object properties whose value is undefined, as JSON does', () => {
    expect(roundTrip({ a: 1, b: undefined })).toStrictEqual({ a: 1 });
  });

  it('round-trips Buffers as Buffers and Uint8Arrays as Uint8Arrays', () => {
    const back = roundTrip({ buf: Buffer.from('hello'), u8: new Uint8Array([0, 1, 255]), empty: Buffer.alloc(0) }) as {
      buf: Buffer;
      u8: Uint8Array;
      empty: Buffer;
    };
    expect(Buffer.isBuffer(back.buf)).toBe(true);
    expect(back.buf.toString()).toBe('hello');
    expect(Buffer.isBuffer(back.u8)).toBe(false);
    expect(back.u8).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.u8)).toEqual([0, 1, 255]);
    expect(Buffer.isBuffer(back.empty)).toBe(true);
    expect(back.empty.length).toBe(0);
  });

  it('round-trips a Buffer slice and a view with an offset without leaking the surrounding bytes', () => {
    const base = Buffer.from('0123456789');
    const back = roundTrip([base.subarray(2, 5), new Uint8Array(base.buffer, base.byteOffset + 6, 2)]) as Uint8Array[];
    expect(Buffer.from(back[0] as Uint8Array).toString()).toBe('234');
    expect(Buffer.from(back[1] as Uint8Array).toString()).toBe('67');
  });

  it('round-trips other typed arrays, ArrayBuffer and DataView', () => {
    const value = {
      f64: new Float64Array([1.5, NaN, -0, Infinity]),
      f32: new Float32Array([0.25]),
      i16: new Int16Array([-2, 300]),
      u32: new Uint32Array([4_000_000_000]),
      big: new BigInt64Array([-(2n ** 63n)]),
      clamped: new Uint8ClampedArray([7]),
      ab: new Uint8Array([9, 8]).buffer,
      dv: new DataView(new Uint8Array([1, 2, 3]).buffer),
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(back.f64).toBeInstanceOf(Float64Array);
    expect(Object.is(back.f64[2], -0)).toBe(true);
    expect(back.big).toBeInstanceOf(BigInt64Array);
    expect(back.ab).toBeInstanceOf(ArrayBuffer);
    expect(back.dv).toBeInstanceOf(DataView);
    expect(back.dv.getUint8(2)).toBe(3);
  });

  it('round-trips Maps with any serializable keys, in insertion order', () => {
    const keyDate = new Date(1000);
    const map = new Map<unknown, unknown>([
      ['z', 1],
      [1, 'one'],
      [{ composite: [1, 2] }, new Set([1])],
      [keyDate, undefined],
      [5n, NaN],
      ['a', new Map([['inner', Buffer.from('x')]])],
    ]);
    const back = roundTrip({ map }) as { map: Map<unknown, unknown> };
    expect(back.map).toBeInstanceOf(Map);
    expect(back.map).toStrictEqual(map);
    expect([...back.map.keys()]).toStrictEqual(['z', 1, { composite: [1, 2] }, keyDate, 5n, 'a']);
    expect(back.map.has(keyDate)).toBe(false); // keys are copies, not the same object
    expect([...back.map.values()][3]).toBeUndefined();
    expect(Buffer.isBuffer((back.map.get('a') as Map<string, unknown>).get('inner'))).toBe(true);
  });

  it('round-trips Sets in insertion order', () => {
    const set = new Set<unknown>(['b', 'a', 3, undefined, new Date(5), [1]]);
    const back = roundTrip(set) as Set<unknown>;
    expect(back).toBeInstanceOf(Set);
    expect([...back]).toStrictEqual([...set]);
  });

  it('round-trips special values nested deep inside plain data', () => {
    const value = { a: [{ b: { c: [new Map([['d', [new Set([new Date(3), 9n])]]])] } }] };
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('never misreads user objects that have their own $xcom key', () => {
    const value = {
      looksLikeDate: { $xcom: 'Date', v: '2024-01-01T00:00:00.000Z' },
      looksLikeHole: [{ $xcom: 'hole' }],
      nested: { $xcom: { $xcom: 'BigInt', v: '1' }, other: new Date(7), gone: undefined },
      inMap: new Map([['k', { $xcom: 'Map', v: [] }]]),
    };
    const back = roundTrip(value);
    expect(back).toStrictEqual({
      looksLikeDate: { $xcom: 'Date', v: '2024-01-01T00:00:00.000Z' },
      looksLikeHole: [{ $xcom: 'hole' }],
      nested: { $xcom: { $xcom: 'BigInt', v: '1' }, other: new Date(7) },
      inMap: new Map([['k', { $xcom: 'Map', v: [] }]]),
    });
    expect(roundTrip({ $xcom: 'undefined' })).toStrictEqual({ $xcom: 'undefined' });
  });

  it('keeps the order of keys of an escaped object', () => {
    const back = roundTrip({ z: 1, $xcom: 2, a: 3 }) as object;
    expect(Object.keys(back)).toStrictEqual(['z', '$xcom', 'a']);
  });

  it('keeps __proto__ as an ordinary own key and never changes a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "when": 1}') as Record<string, unknown>;
    value.when = new Date(1); // forces the tag-reviving path
    const back = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const escaped = roundTrip(JSON.parse('{"__proto__": 1, "$xcom": 2}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(escaped)).toBe(Object.prototype);
    expect(Object.hasOwn(escaped, '__proto__')).toBe(true);
  });

  it('accepts objects without a prototype', () => {
    const value = Object.assign(Object.create(null) as object, { a: new Date(1) });
    expect(roundTrip(value)).toStrictEqual({ a: new Date(1) });
  });

  it('serializes objects with toJSON through it', () => {
    class Money {
      constructor(readonly cents: bigint) {}
      toJSON(): unknown {
        return { cents: this.cents, at: new Date(2) };
      }
    }
    class Label {
      toJSON(): string {
        return 'label';
      }
    }
    expect(roundTrip({ price: new Money(150n), label: new Label() })).toStrictEqual({
      price: { cents: 150n, at: new Date(2) },
      label: 'label',
    });
  });

  it('unboxes boxed primitives', () => {
    expect(roundTrip([new Number(NaN), new String('s'), new Boolean(true), Object(3n)])).toStrictEqual([
      NaN,
      's',
      true,
      3n,
    ]);
  });

  it('reuses a shared (non-cyclic) object without complaint', () => {
    const shared = { x: 1 };
    expect(roundTrip({ a: shared, b: [shared, shared] })).toStrictEqual({ a: { x: 1 }, b: [{ x: 1 }, { x: 1 }] });
  });
});

describe('toJsonText errors', () => {
  const location = { dagId: 'etl', runId: 'manual__1', taskId: 'extract', mapIndex: 3, key: 'rows' };

  it('names the entry, the type and the path of a function', () => {
    const error = serializationError({ rows: [0, 1, 2, { fn: function load() {} }] }, location);
    expect(error.path).toBe('$.rows[3].fn');
    expect(error.code).toBe('XCOM_NOT_SERIALIZABLE');
    expect(error.message).toContain("key 'rows'");
    expect(error.message).toContain("task 'extract'");
    expect(error.message).toContain('map index 3');
    expect(error.message).toContain('a function (load) at $.rows[3].fn');
  });

  it('reports a symbol under a key that needs quoting', () => {
    const error = serializationError({ ok: 1, 'weird key': Symbol('id') });
    expect(error.path).toBe('$["weird key"]');
    expect(error.message).toContain('a symbol (Symbol(id)) at $["weird key"]');
  });

  it('reports a function at the root as $', () => {
    const error = serializationError(() => 1);
    expect(error.path).toBe('$');
    expect(error.message).toContain('an anonymous function at $');
  });

  it('reports class instances by class name', () => {
    class Connection {
      host = 'db';
    }
    const error = serializationError({ deps: { conn: new Connection() } }, location);
    expect(error.path).toBe('$.deps.conn');
    expect(error.message).toContain('an instance of Connection at $.deps.conn');
    expect(serializationError([new WeakMap()]).message).toContain('an instance of WeakMap at $[0]');
    expect(serializationError({ e: new Error('x') }).path).toBe('$.e');
  });

  it('reports a cycle with the path that refers back', () => {
    const root: Record<string, unknown> = { a: { b: [] as unknown[] } };
    ((root.a as Record<string, unknown>).b as unknown[]).push(1, root.a);
    const error = serializationError(root, location);
    expect(error.path).toBe('$.a.b[1]');
    expect(error.message).toContain('cycle');
    expect(error.message).toContain('$.a.b[1] refers back to $.a');
  });

  it('reports a cycle through the root and through a Map', () => {
    const self: Record<string, unknown> = {};
    self.me = self;
    expect(serializationError(self).message).toContain('$.me refers back to $');
    const map = new Map<string, unknown>();
    map.set('loop', { map });
    const error = serializationError({ map });
    expect(error.path).toBe('$.map.get("loop").map');
  });

  it('finds problems inside Maps, Sets, escaped objects and toJSON results', () => {
    expect(serializationError(new Map([[1, { f: Symbol.iterator }]])).path).toBe('$.get(1).f');
    expect(serializationError(new Map([[{ k: () => 0 }, 1]])).path).toBe('$.keys()[0].k');
    expect(serializationError({ s: new Set([1, () => 0]) }).path).toBe('$.s.values()[1]');
    expect(serializationError({ $xcom: 1, 'a b': () => 0 }).path).toBe('$["a b"]');
    expect(serializationError({ t: { toJSON: () => ({ inner: () => 0 }) } }).path).toBe('$.t.inner');
  });

  it('reports a throwing toJSON at its path', () => {
    const error = serializationError({
      x: {
        toJSON() {
          throw new Error('boom');
        },
      },
    });
    expect(error.path).toBe('$.x');
    expect(error.message).toContain('reading the value at $.x failed, its toJSON() threw: boom');
  });

  it('reports a throwing getter at its path', () => {
    const value = {
      list: [
        {
          get broken(): number {
            throw new Error('no access');
          },
        },
      ],
    };
    const error = serializationError(value);
    expect(error.path).toBe('$.list[0].broken');
    expect(error.message).toContain('its getter threw: no access');
  });

  it('reports values nested too deeply instead of a bare RangeError', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(serializationError(deep).message).toContain('nested too deeply');
  });

  it('says "the XCom value" when no location is given', () => {
    expect(serializationError(Symbol('s')).message).toMatch(/^Cannot serialize the XCom value: a symbol/);
  });
});

describe('fromJsonText', () => {
  it('rejects malformed tags as integrity errors', () => {
    expect(() => fromJsonText('{"$xcom":"Nope","v":1}')).toThrow(XComIntegrityError);
    expect(() => fromJsonText('{"$xcom":"BigInt","v":"1.5"}')).toThrow(/malformed \$xcom tag/);
    expect(() => fromJsonText('{"$xcom":"Float64Array","v":"AAA="}')).toThrow(XComIntegrityError);
  });

  it('leaves strings that merely mention $xcom alone', () => {
    expect(roundTrip({ note: '"$xcom"', list: ['$xcom'] })).toStrictEqual({ note: '"$xcom"', list: ['$xcom'] });
  });
});
