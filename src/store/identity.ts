import { XComIdentityError } from '../errors';

/** The key of one XCom entry, as in Airflow: `(dag_id, run_id, task_id, map_index, key)`. */
export interface XComIdentity {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** `-1` for an unmapped task instance, `0..n-1` for a mapped one. @default -1 */
  readonly mapIndex?: number;
  readonly key: string;
}

/** An identity with every field present. */
export type ResolvedIdentity = Required<XComIdentity>;

/** Airflow's `ID_LEN` for dag, run and task ids. */
export const MAX_ID_LENGTH = 250;
/** Airflow's length for `xcom.key`. */
export const MAX_KEY_LENGTH = 512;
/** The key task results are recorded under. */
export const RETURN_VALUE_KEY = 'return_value';

const FIELD_NAMES = { dagId: 'dag_id', runId: 'run_id', taskId: 'task_id', key: 'key' } as const;

/** Checks every field and fills in `mapIndex`; throws an `XComIdentityError` naming the first bad field. */
export function resolveIdentity(identity: XComIdentity): ResolvedIdentity {
  assertId('dagId', identity.dagId, MAX_ID_LENGTH);
  assertId('runId', identity.runId, MAX_ID_LENGTH);
  assertId('taskId', identity.taskId, MAX_ID_LENGTH);
  assertId('key', identity.key, MAX_KEY_LENGTH);
  const mapIndex = identity.mapIndex ?? -1;
  assertMapIndex(mapIndex);
  return { dagId: identity.dagId, runId: identity.runId, taskId: identity.taskId, mapIndex, key: identity.key };
}

/** Validates one id-like field (`dagId`, `runId`, `taskId` or `key`). */
export function assertId(field: keyof typeof FIELD_NAMES, value: unknown, maxLength: number): asserts value is string {
  const name = `${FIELD_NAMES[field]} (${field})`;
  if (typeof value !== 'string') {
    throw new XComIdentityError(field, `XCom ${name} must be a string, got ${describe(value)}`);
  }
  if (value.length === 0) {
    throw new XComIdentityError(field, `XCom ${name} must be a non-empty string. Received: ''`);
  }
  if (value.length > maxLength) {
    throw new XComIdentityError(
      field,
      `XCom ${name} is ${value.length} characters long; the limit is ${maxLength}: '${value.slice(0, 40)}…'`,
    );
  }
  // A lone surrogate has no UTF-8 form: Postgres would store U+FFFD and two different ids would collide.
  const at = loneSurrogateAt(value);
  if (at >= 0) {
    throw new XComIdentityError(
      field,
      `XCom ${name} is not well-formed Unicode: lone surrogate U+${value.charCodeAt(at).toString(16).toUpperCase()} at position ${at}`,
    );
  }
  // NUL cannot be stored in a Postgres text column; other control characters make ids unreadable in tools.
  const control = /[\u0000-\u001f\u007f]/.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw new XComIdentityError(field, `XCom ${name} contains control character U+${code} at position ${control.index}`);
  }
}

export function assertMapIndex(mapIndex: unknown): asserts mapIndex is number {
  if (typeof mapIndex !== 'number' || !Number.isInteger(mapIndex) || mapIndex < -1 || mapIndex > 2_147_483_647) {
    throw new XComIdentityError(
      'mapIndex',
      `XCom map_index (mapIndex) must be -1 (unmapped) or an integer 0..2147483647, got ${describe(mapIndex)}`,
    );
  }
}

/** `dag/run/task[map]:key` — how an entry is named in messages. */
export function formatIdentity(identity: XComIdentity): string {
  const map = identity.mapIndex !== undefined && identity.mapIndex >= 0 ? `[${identity.mapIndex}]` : '';
  return `[dag=${identity.dagId}, run=${identity.runId}, task=${identity.taskId}${map}, key=${identity.key}]`;
}

function loneSurrogateAt(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return i;
    }
  }
  return -1;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return typeof value;
}
