import { parseDagRunHeader } from '../../src/common/dag-run-header';

const valid = { v: 1, dagId: 'etl', logicalDate: '2024-01-01T00:00:00.000Z', defaultIdsUsed: { extract: 2 } };

describe('parseDagRunHeader', () => {
  it('keeps a well-formed header, with or without a DAG id', () => {
    expect(parseDagRunHeader(valid)).toEqual(valid);
    const { dagId: _, ...withoutDagId } = valid;
    expect(parseDagRunHeader(withoutDagId)).toEqual(withoutDagId);
  });

  it('keeps an activity type named __proto__ as a counter', () => {
    const parsed = parseDagRunHeader(JSON.parse('{"v":1,"logicalDate":"2024-01-01","defaultIdsUsed":{"__proto__":3}}'));
    expect(Object.entries(parsed?.defaultIdsUsed ?? {})).toEqual([['__proto__', 3]]);
  });

  it.each([
    ['not an object', 'x'],
    ['null', null],
    ['another version', { ...valid, v: 2 }],
    ['an empty DAG id', { ...valid, dagId: '' }],
    ['a non-string DAG id', { ...valid, dagId: 7 }],
    ['an invalid date', { ...valid, logicalDate: 'soon' }],
    ['a missing date', { ...valid, logicalDate: undefined }],
    ['counters that are not an object', { ...valid, defaultIdsUsed: [1] }],
    ['a negative counter', { ...valid, defaultIdsUsed: { extract: -1 } }],
    ['a fractional counter', { ...valid, defaultIdsUsed: { extract: 1.5 } }],
    ['a string counter', { ...valid, defaultIdsUsed: { extract: '2' } }],
    ['an empty activity type', { ...valid, defaultIdsUsed: { '': 1 } }],
  ])('ignores %s', (_label, value) => {
    expect(parseDagRunHeader(value)).toBeUndefined();
  });
});
