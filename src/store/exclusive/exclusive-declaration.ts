import { XComIdentityError } from '../../errors';
import { MAX_ID_LENGTH, RETURN_VALUE_KEY, type ResolvedIdentity } from '../identity';

/**
 * Who may write and who may read a key (docs/exclusive-xcoms.md). `writer`: the only task of a run that may write
 * it. `readers`: the only tasks that may read it (besides the task that wrote it).
 */
export interface ExclusiveDeclaration {
  readonly writer?: string;
  readonly readers?: readonly string[];
}

/** An entry version an attempt consumed: removed by that attempt's commit if it is still this version. */
export interface ConsumedVersion extends ResolvedIdentity {
  readonly digest: string;
  readonly fence: number;
}

/**
 * Checks a declaration given by user code (`where` names it in the error): an object with a task id `writer` and/or
 * a non-empty list of task ids `readers`, and nothing else.
 */
export function assertExclusive(where: string, key: string, value: unknown): asserts value is ExclusiveDeclaration {
  const fail = (what: string) => {
    throw new XComIdentityError('exclusive', `${where}: exclusive for key '${key}' ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`must be an object { writer?, readers? }, got ${show(value)}`);
  const { writer, readers, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`has unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')} (allowed: writer, readers)`);
  if (writer === undefined && readers === undefined) fail('names neither a writer nor readers');
  if (writer !== undefined) {
    if (key === RETURN_VALUE_KEY) fail(`cannot name a writer: every task writes its own '${RETURN_VALUE_KEY}'`);
    if (!isTaskId(writer)) fail(`writer must be a task id, got ${show(writer)}`);
  }
  if (readers !== undefined) {
    if (!Array.isArray(readers) || readers.length === 0) fail(`readers must be a non-empty list of task ids, got ${show(readers)}`);
    (readers as unknown[]).forEach((reader, i) => isTaskId(reader) || fail(`readers[${i}] must be a task id, got ${show(reader)}`));
  }
}

function isTaskId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'string' ? `'${value}'` : typeof value;
}
