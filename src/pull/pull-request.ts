import { XComIdentityError } from '../errors';
import { assertId, assertMapIndex, MAX_ID_LENGTH, MAX_KEY_LENGTH, RETURN_VALUE_KEY } from '../store/identity';
import { priorCutoff, type PriorCutoff } from './prior-cutoff';
import type { PullCaller, PullOptions } from './pull-options';

/** A validated pull with every default filled in. */
export interface PullRequest {
  readonly dagId: string;
  readonly runId: string;
  readonly key: string;
  /** In the order given, duplicates kept. */
  readonly taskIds: readonly string[];
  /** Airflow's `single_task_requested`: `taskIds` was a string or omitted. */
  readonly singleTask: boolean;
  /** Undefined: every map index (Airflow's NOTSET path). Otherwise the indexes as given, `null` resolved to -1. */
  readonly mapIndexes: readonly number[] | undefined;
  /** Airflow's `single_map_index_requested`: `mapIndexes` was a number or `null`. */
  readonly singleMapIndex: boolean;
  /** Set when `includePriorDates` is. */
  readonly prior: PriorCutoff | undefined;
  /** What a missing value becomes. */
  readonly fallback: unknown;
}

/** Validates options against the caller and fills in Airflow's defaults; errors name the field. */
export function resolvePull(caller: PullCaller, options: PullOptions): PullRequest {
  const dagId = options.dagId ?? caller.dagId;
  const runId = options.runId ?? caller.runId;
  const key = options.key ?? RETURN_VALUE_KEY;
  assertId('dagId', dagId, MAX_ID_LENGTH);
  assertId('runId', runId, MAX_ID_LENGTH);
  assertId('key', key, MAX_KEY_LENGTH);
  assertMapIndex(caller.mapIndex);
  const mapIndexes = resolveMapIndexes(options.mapIndexes);
  // The logical date only matters as an includePriorDates cutoff.
  if (options.includePriorDates) assertLogicalDate(caller.logicalDate);
  return {
    dagId,
    runId,
    key,
    taskIds: resolveTaskIds(options.taskIds, caller.taskId),
    singleTask: options.taskIds === undefined || typeof options.taskIds === 'string',
    mapIndexes,
    singleMapIndex: options.mapIndexes === null || typeof options.mapIndexes === 'number',
    prior: options.includePriorDates ? priorCutoff(caller, dagId, runId, options.runId !== undefined) : undefined,
    fallback: Object.hasOwn(options, 'default') ? options.default : null,
  };
}

function resolveTaskIds(taskIds: PullOptions['taskIds'], callerTaskId: string): string[] {
  if (taskIds === undefined) return [named('taskIds', "the caller's taskId", () => checkedTaskId(callerTaskId))];
  if (typeof taskIds === 'string') return [named('taskIds', 'taskIds', () => checkedTaskId(taskIds))];
  if (!Array.isArray(taskIds) || taskIds.length === 0) {
    // Airflow returns [] for an empty list; here it is almost always a bug in the caller, so it is reported.
    throw new XComIdentityError(
      'taskIds',
      `xcom pull taskIds must be a task id or a non-empty list of task ids, got ${show(taskIds)}`,
    );
  }
  return taskIds.map((taskId, i) => named('taskIds', `taskIds[${i}]`, () => checkedTaskId(taskId)));
}

function resolveMapIndexes(mapIndexes: PullOptions['mapIndexes']): number[] | undefined {
  if (mapIndexes === undefined) return undefined;
  if (mapIndexes === null) return [-1];
  if (typeof mapIndexes === 'number') {
    return [named('mapIndexes', 'mapIndexes', () => checkedMapIndex(mapIndexes))];
  }
  if (!Array.isArray(mapIndexes)) {
    throw new XComIdentityError(
      'mapIndexes',
      `xcom pull mapIndexes must be a map index, null or a list of them, got ${show(mapIndexes)}`,
    );
  }
  // `null` means the unmapped row, as in Airflow (its client sends no map_index and the server reads -1).
  return mapIndexes.map((m, i) =>
    named('mapIndexes', `mapIndexes[${i}]`, () => (m === null ? -1 : checkedMapIndex(m))),
  );
}

/** An invalid Date (e.g. `new Date(undefined)`) would otherwise reach SQL as a cutoff. */
function assertLogicalDate(logicalDate: unknown): void {
  if (logicalDate === undefined) return;
  if (!(logicalDate instanceof Date) || Number.isNaN(logicalDate.getTime())) {
    const got = logicalDate instanceof Date ? 'an invalid Date' : show(logicalDate);
    throw new XComIdentityError('logicalDate', `xcom pull caller logicalDate must be a valid Date or absent, got ${got}`);
  }
}

function checkedTaskId(taskId: unknown): string {
  assertId('taskId', taskId, MAX_ID_LENGTH);
  return taskId;
}

function checkedMapIndex(mapIndex: unknown): number {
  assertMapIndex(mapIndex);
  return mapIndex;
}

/** Runs an identity check, reporting a failure against the pull option (and list position) it came from. */
function named<T>(field: string, where: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof XComIdentityError)) throw err;
    throw new XComIdentityError(field, `xcom pull ${where}: ${err.message}`);
  }
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : 'a list';
  return value === null ? 'null' : typeof value;
}
