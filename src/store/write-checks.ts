import { XComIdentityError } from '../errors';
import { formatIdentity, type ResolvedIdentity, type XComIdentity } from './identity';

/** Postgres `int8`, and the largest integer a JS number holds exactly. */
const MAX_FENCE = Number.MAX_SAFE_INTEGER;

/** Postgres `timestamptz` reaches back to 4713 BC; a JS Date goes further. */
const MIN_TIMESTAMP_MS = Date.UTC(-4712, 0, 1);

/** The attempt number: an integer from 0 (writes outside a task) up. */
export function assertAttempt(where: XComIdentity | TaskRef, attempt: unknown): asserts attempt is number {
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 0 || attempt > 2_147_483_647) {
    throw new XComIdentityError('attempt', `XCom ${describeTarget(where)}: attempt must be an integer 0..2147483647, got ${show(attempt)}`);
  }
}

/** The fence orders writes; it must be a non-negative integer that `int8` and a JS number both hold exactly. */
export function assertFence(where: XComIdentity | TaskRef, fence: unknown): asserts fence is number {
  if (typeof fence !== 'number' || !Number.isSafeInteger(fence) || fence < 0 || fence > MAX_FENCE) {
    throw new XComIdentityError(
      'fence',
      `XCom ${describeTarget(where)}: fence must be an integer 0..${MAX_FENCE} (the attempt's scheduled time in ms), ` +
        `got ${show(fence)}`,
    );
  }
}

/** A logical date must be a valid Date that Postgres can store; checked before anything is uploaded. */
export function assertLogicalDate(where: XComIdentity | TaskRef, date: unknown): asserts date is Date | undefined {
  if (date === undefined) return;
  if (!(date instanceof Date) || Number.isNaN(date.getTime()) || date.getTime() < MIN_TIMESTAMP_MS) {
    const got = date instanceof Date ? (Number.isNaN(date.getTime()) ? 'an invalid Date' : date.toISOString()) : show(date);
    throw new XComIdentityError('logicalDate', `XCom ${describeTarget(where)}: logicalDate must be a valid Date, got ${got}`);
  }
}

/** A task instance, for messages about a whole commit. */
export interface TaskRef {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex?: number;
}

function describeTarget(where: XComIdentity | TaskRef): string {
  if ('key' in where) return formatIdentity(where);
  const map = where.mapIndex !== undefined && where.mapIndex >= 0 ? `[${where.mapIndex}]` : '';
  return `task instance [dag=${where.dagId}, run=${where.runId}, task=${where.taskId}${map}]`;
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return value === null ? 'null' : typeof value;
}

/** One commit writes each entry once. */
export function assertNoDuplicates(identities: readonly ResolvedIdentity[]): void {
  const seen = new Set<string>();
  for (const id of identities) {
    const signature = JSON.stringify([id.dagId, id.runId, id.taskId, id.mapIndex, id.key]);
    if (seen.has(signature)) {
      throw new XComIdentityError('key', `XCom ${formatIdentity(id)} appears twice in one commit`);
    }
    seen.add(signature);
  }
}
