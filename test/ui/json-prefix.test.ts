import { toJsonText } from '../../src/codec/json-value';
import { JsonPrefixError, parseJsonPrefix } from '../../src/ui/json-prefix';
import { defaultMask, noMask } from '../../src/ui/masking';
import type { PreviewNode } from '../../src/ui/preview-node';

const limits = { maxItems: 3, maxStringChars: 5, maxDepth: 3 };
const whole = (text: string) => parseJsonPrefix(text, true, limits, noMask, ['k']);
const prefix = (text: string) => parseJsonPrefix(text, false, limits, noMask, ['k']);
const str = (value: string, length = value.length, complete = true): PreviewNode => ({ kind: 'string', value, length, complete });
const num = (value: string): PreviewNode => ({ kind: 'number', value });

describe('parseJsonPrefix: a bounded tree of the start of a JSON value', () => {
  test('whole values: scalars, and containers cut to the item limit with their counts', () => {
    expect(whole('null')).toEqual({ kind: 'null' });
    expect(whole(' true ')).toEqual({ kind: 'boolean', value: true });
    expect(whole('-1.5e3')).toEqual(num('-1.5e3'));
    expect(whole('"a\\"b\\u00e9"')).toEqual(str('a"bé'));
    expect(whole('"abcdefgh"')).toEqual(str('abcde', 8));
    expect(whole('[1,2,3,4,5]')).toEqual({ kind: 'array', items: [num('1'), num('2'), num('3')], count: 5, complete: true });
    expect(whole('{"a":1,"b":[],"c":{},"d":"x"}')).toEqual({
      kind: 'object',
      entries: [
        { key: 'a', value: num('1') },
        { key: 'b', value: { kind: 'array', items: [], count: 0, complete: true } },
        { key: 'c', value: { kind: 'object', entries: [], count: 0, complete: true } },
      ],
      count: 4,
      complete: true,
    });
  });

  test("a prefix: the value the text ends inside is incomplete, with what was seen so far", () => {
    expect(prefix('[1, 2, {"a": "abcdefg')).toEqual({
      kind: 'array',
      items: [num('1'), num('2'), { kind: 'object', entries: [{ key: 'a', value: str('abcde', 7, false) }], count: 1, complete: false }],
      count: 3,
      complete: false,
    });
    // A number or literal at the very end may continue: it is cut, not guessed.
    expect(prefix('[1, 23')).toEqual({ kind: 'array', items: [num('1')], count: 1, complete: false });
    expect(prefix('[tr')).toEqual({ kind: 'array', items: [], count: 0, complete: false });
    expect(prefix('{"a": 1, "b')).toEqual({ kind: 'object', entries: [{ key: 'a', value: num('1') }], count: 1, complete: false });
    expect(prefix('')).toEqual({ kind: 'cut' });
  });

  test('items past the limit are counted, not built, even deep inside a prefix', () => {
    const text = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ i, nested: [[i]] }))).slice(0, 20_000);
    const tree = prefix(text);
    expect(tree.kind).toBe('array');
    if (tree.kind !== 'array') return;
    expect(tree.items).toHaveLength(3);
    expect(tree.count).toBeGreaterThan(500);
    expect(tree.complete).toBe(false);
  });

  test('nesting past maxDepth is skipped without recursion, so a deep value cannot exhaust the stack', () => {
    expect(whole('[[[[[1]]]]]')).toEqual({
      kind: 'array',
      items: [{ kind: 'array', items: [{ kind: 'array', items: [{ kind: 'deep' }], count: 1, complete: true }], count: 1, complete: true }],
      count: 1,
      complete: true,
    });
    expect(prefix('['.repeat(200_000)).kind).toBe('array');
  });

  test("temporal-xcom's tags are drawn as their types", () => {
    const text = toJsonText({ at: new Date('2024-01-02T03:04:05Z'), big: 12n, ids: new Set([1]) });
    const tree = parseJsonPrefix(text, true, { maxItems: 10, maxStringChars: 100, maxDepth: 5 }, noMask, ['k']);
    expect(tree).toMatchObject({
      kind: 'object',
      entries: [
        { key: 'at', value: { kind: 'tagged', type: 'Date', value: str('2024-01-02T03:04:05.000Z') } },
        { key: 'big', value: { kind: 'tagged', type: 'BigInt', value: str('12') } },
        { key: 'ids', value: { kind: 'tagged', type: 'Set', value: { kind: 'array', items: [num('1')] } } },
      ],
    });
  });

  test('the mask hides values by path; the default hides the names Airflow treats as sensitive', () => {
    const text = '{"user":"ann","db":{"Password":"p","url":"u"},"rows":[{"api_key":"k"}]}';
    const tree = parseJsonPrefix(text, true, { maxItems: 10, maxStringChars: 100, maxDepth: 5 }, defaultMask, ['conn']);
    expect(JSON.stringify(tree)).not.toMatch(/"p"|"k"/);
    expect(tree).toMatchObject({
      entries: [
        { key: 'user', value: str('ann') },
        { key: 'db', value: { entries: [{ key: 'Password', value: { kind: 'masked' } }, { key: 'url', value: str('u') }] } },
        { key: 'rows', value: { items: [{ entries: [{ key: 'api_key', value: { kind: 'masked' } }] }] } },
      ],
    });
    expect(defaultMask(['my_secret_key'])).toBe(true);
    expect(defaultMask(['return_value'])).toBe(false);
  });

  test('text that is not JSON fails with the position and what was expected', () => {
    expect(() => whole('{"a" 1}')).toThrow(new JsonPrefixError(`expected ':' at character 5, found "1}"`));
    expect(() => whole('[1,')).toThrow(/at character 3, found the end of the text/);
    expect(() => prefix('nope')).toThrow(JsonPrefixError);
  });
});
