import { XComIdentityError } from '../errors';

/** The XCom entry an object belongs to. */
export interface ObjectKeyEntry {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly key: string;
}

/** What `parseObjectKey` recovers from an object key. */
export interface ParsedObjectKey extends ObjectKeyEntry {
  readonly digest: string;
  readonly encoding: string;
}

/** Which objects to list: a whole dag, one run of it, or one task of that run. */
export interface ObjectPrefixScope {
  readonly dagId: string;
  readonly runId?: string;
  readonly taskId?: string;
}

const HEX = /^[0-9a-f]+$/;

/**
 * `<dag>/<run>/<task>/<mapIndex>/<key>/<digest>.<encoding>`, each part percent-encoded so a `/` inside a run id
 * or key stays inside its segment. Content-addressed: the same entry with the same bytes always gets the same key.
 */
export function objectKeyFor(entry: ObjectKeyEntry, digest: string, encoding: string): string {
  if (!HEX.test(digest)) {
    throw new XComIdentityError('digest', `Object digest must be lowercase hex, got ${JSON.stringify(digest)}`);
  }
  if (encoding === '') throw new XComIdentityError('encoding', 'Object encoding must not be empty');
  return [...entrySegments(entry), `${digest}.${encodeSegment(encoding)}`].join('/');
}

/** The prefix (ending in `/`, so `dag` never matches `dag2`) under which a dag's, run's or task's objects live. */
export function objectPrefixFor(scope: ObjectPrefixScope): string {
  if (scope.taskId !== undefined && scope.runId === undefined) {
    throw new XComIdentityError('runId', 'objectPrefixFor needs a runId when a taskId is given');
  }
  const parts = [
    requireText('dagId', scope.dagId),
    ...(scope.runId === undefined ? [] : [requireText('runId', scope.runId)]),
    ...(scope.taskId === undefined ? [] : [requireText('taskId', scope.taskId)]),
  ];
  return parts.map(encodeSegment).join('/') + '/';
}

/**
 * The entry, digest and encoding behind a key made by `objectKeyFor`, or `undefined` for any other key
 * (foreign objects under the same prefix are not ours to touch when reconciling orphans).
 */
export function parseObjectKey(objectKey: string): ParsedObjectKey | undefined {
  const [dag, run, task, mapIndex, key, file, ...rest] = objectKey.split('/');
  if (file === undefined || rest.length > 0 || mapIndex === undefined || !/^-?\d+$/.test(mapIndex)) return undefined;
  const dot = file.indexOf('.');
  const parts = [dag, run, task, key, file.slice(dot + 1)].map(decodeSegment);
  const [dagId, runId, taskId, xcomKey, encoding] = parts;
  if (dot < 0 || dagId === undefined || runId === undefined || taskId === undefined) return undefined;
  if (xcomKey === undefined || encoding === undefined) return undefined;
  const parsed: ParsedObjectKey = {
    dagId,
    runId,
    taskId,
    mapIndex: Number(mapIndex),
    key: xcomKey,
    digest: file.slice(0, dot),
    encoding,
  };
  // Only the canonical spelling is ours; anything else (`%2f` for `%2F`, `01` for `1`) is a foreign object.
  try {
    return objectKeyFor(parsed, parsed.digest, parsed.encoding) === objectKey ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function entrySegments(entry: ObjectKeyEntry): string[] {
  if (!Number.isSafeInteger(entry.mapIndex) || entry.mapIndex < -1) {
    throw new XComIdentityError('mapIndex', `mapIndex must be an integer >= -1, got ${entry.mapIndex}`);
  }
  return [
    requireText('dagId', entry.dagId),
    requireText('runId', entry.runId),
    requireText('taskId', entry.taskId),
    String(entry.mapIndex),
    requireText('key', entry.key),
  ].map(encodeSegment);
}

function requireText(field: string, value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new XComIdentityError(field, `${field} must be a non-empty string to build an object key`);
  }
  return value;
}

/**
 * encodeURIComponent, plus leading dots (so `.` and `..` can never act as path segments and no key becomes a
 * hidden file) and `*` (not allowed in Windows file names).
 */
function encodeSegment(value: string): string {
  return encodeURIComponent(value)
    .replace(/^\.+/, (dots) => '%2E'.repeat(dots.length))
    .replace(/\*/g, '%2A');
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
