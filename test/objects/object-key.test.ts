import { XComIdentityError } from '../../src/errors';
import { objectKeyFor, objectPrefixFor, parseObjectKey, type ObjectKeyEntry } from '../../src/objects/object-key';

const DIGEST = 'ab'.repeat(32);
const entry: ObjectKeyEntry = { dagId: 'etl', runId: 'manual__2024-01-01T00:00:00+00:00', taskId: 'extract', mapIndex: -1, key: 'return_value' };

describe('objectKeyFor', () => {
  it('lays out dag/run/task/mapIndex/key/digest.encoding with each part percent-encoded', () => {
    expect(objectKeyFor(entry, DIGEST, 'json+gzip')).toBe(
      `etl/manual__2024-01-01T00%3A00%3A00%2B00%3A00/extract/-1/return_value/${DIGEST}.json%2Bgzip`,
    );
  });

  it('is content-addressed: same entry and bytes, same key; other bytes, other key', () => {
    expect(objectKeyFor({ ...entry }, DIGEST, 'json')).toBe(objectKeyFor(entry, DIGEST, 'json'));
    expect(objectKeyFor(entry, 'cd'.repeat(32), 'json')).not.toBe(objectKeyFor(entry, DIGEST, 'json'));
  });

  it('keeps a "/" inside a part within its segment', () => {
    const key = objectKeyFor({ ...entry, runId: 'a/b', key: 'x/y/z' }, DIGEST, 'json');
    expect(key.split('/')).toHaveLength(6);
    expect(key).toContain('/a%2Fb/');
    expect(key).toContain('/x%2Fy%2Fz/');
  });

  it('encodes "." and ".." segments (and any leading dot) so they never act as path segments', () => {
    const key = objectKeyFor({ ...entry, dagId: '.', runId: '..', taskId: '.hidden', key: '...' }, DIGEST, 'json');
    expect(key.split('/').slice(0, 5)).toEqual(['%2E', '%2E%2E', '%2Ehidden', '-1', '%2E%2E%2E']);
    expect(key.split('/').every((s) => !s.startsWith('.'))).toBe(true);
  });

  it('encodes "%", spaces, unicode and "*"', () => {
    const key = objectKeyFor({ ...entry, dagId: '100% done', taskId: 'ünï cödé 🚀', key: 'a*b' }, DIGEST, 'json');
    expect(key.startsWith('100%25%20done/')).toBe(true);
    expect(key).toContain(`/${encodeURIComponent('ünï cödé 🚀')}/`);
    expect(key).toContain('/a%2Ab/');
  });

  it.each([
    [{ ...entry, dagId: '' }, DIGEST, 'json', 'dagId'],
    [{ ...entry, key: '' }, DIGEST, 'json', 'key'],
    [{ ...entry, mapIndex: -2 }, DIGEST, 'json', 'mapIndex'],
    [{ ...entry, mapIndex: 1.5 }, DIGEST, 'json', 'mapIndex'],
    [entry, 'not-hex', 'json', 'digest'],
    [entry, DIGEST.toUpperCase(), 'json', 'digest'],
    [entry, DIGEST, '', 'encoding'],
  ])('rejects an unusable part (%#)', (bad, digest, encoding, field) => {
    const attempt = () => objectKeyFor(bad, digest, encoding);
    expect(attempt).toThrow(XComIdentityError);
    expect(attempt).toThrow(expect.objectContaining({ field }));
  });
});

describe('parseObjectKey', () => {
  it.each<ObjectKeyEntry>([
    entry,
    { dagId: '.', runId: '..', taskId: '...', mapIndex: 0, key: '.' },
    { dagId: 'a/b', runId: '../../etc/passwd', taskId: 't/../u', mapIndex: 12, key: 'k/' },
    { dagId: '100%', runId: 'run with spaces', taskId: '日本語', mapIndex: 3, key: '🚀*()!~\'' },
    { dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1, key: 'k.with.dots' },
  ])('round-trips %j', (e) => {
    const key = objectKeyFor(e, DIGEST, 'bytes+br');
    expect(parseObjectKey(key)).toEqual({ ...e, digest: DIGEST, encoding: 'bytes+br' });
  });

  it.each([
    'etl/run/task/-1/key', // too few segments
    `etl/run/task/-1/key/${DIGEST}.json/extra`,
    `etl/run/task/x/key/${DIGEST}.json`, // mapIndex not a number
    `etl/run/task/01/key/${DIGEST}.json`, // not canonical
    `etl/a%2fb/task/-1/key/${DIGEST}.json`, // lowercase escape: not how we spell it
    `etl/run/task/-1/key/${DIGEST}`, // no encoding
    `etl/run/task/-1/key/nothex.json`,
    `etl/%E0%A4%A/task/-1/key/${DIGEST}.json`, // malformed escape
    `./run/task/-1/key/${DIGEST}.json`,
    'some/foreign/object.txt',
  ])('returns undefined for a key it did not make: %s', (key) => {
    expect(parseObjectKey(key)).toBeUndefined();
  });
});

describe('objectPrefixFor', () => {
  it('builds dag, run and task prefixes ending in "/" that contain the entry keys', () => {
    const key = objectKeyFor({ ...entry, runId: 'r/1' }, DIGEST, 'json');
    const prefixes = [
      objectPrefixFor({ dagId: 'etl' }),
      objectPrefixFor({ dagId: 'etl', runId: 'r/1' }),
      objectPrefixFor({ dagId: 'etl', runId: 'r/1', taskId: 'extract' }),
    ];
    expect(prefixes).toEqual(['etl/', 'etl/r%2F1/', 'etl/r%2F1/extract/']);
    for (const prefix of prefixes) expect(key.startsWith(prefix)).toBe(true);
    expect(objectPrefixFor({ dagId: 'etl2' }).startsWith(objectPrefixFor({ dagId: 'etl' }))).toBe(false);
  });

  it('encodes like objectKeyFor', () => {
    expect(objectPrefixFor({ dagId: '..', runId: '.' })).toBe('%2E%2E/%2E/');
  });

  it('needs a runId for a taskId', () => {
    expect(() => objectPrefixFor({ dagId: 'etl', taskId: 't' })).toThrow(XComIdentityError);
  });
});
