// Pure module: imported by the sandboxed workflow as well as by the worker and the harness. No imports.

/**
 * Where a value lands: `tiny`/`inline` stay in the row (< 48 KiB), `object` goes to the object store
 * (48 KiB..256 KiB), `ref` also reaches the workflow as an XComRef (>= 256 KiB), `huge` is big enough (after gzip) to
 * go up as a multipart upload.
 */
// The harness's plugins send refs from 256 KiB (CHAOS_HISTORY_THRESHOLD_BYTES), below the 2 MiB default.
export const CHAOS_HISTORY_THRESHOLD_BYTES = 256 * 1024;

export type SizeClass = 'tiny' | 'inline' | 'object' | 'ref' | 'huge';

/** How a task's attempt times out when it stops: by a missed heartbeat, or by its start-to-close timeout. */
export type TimeoutClass = 'heartbeat' | 'startToClose';

export interface TaskSpec {
  readonly taskId: string;
  /** A mapped task: one instance per map index 0..mapCount-1. */
  readonly mapCount?: number;
  /** The return value's size, per map index for a mapped task. */
  readonly returns: SizeClass | readonly SizeClass[];
  readonly timeout: TimeoutClass;
  /** Tasks whose results (every map index) this task receives as arguments. */
  readonly upstream: readonly string[];
  /** Pushes `blob`, an object-store value, on every attempt. */
  readonly blob: boolean;
  /** Pushes `shared`, the same content on every attempt: attempts share one content-addressed object. */
  readonly shared: boolean;
}

/** The chaos DAG: 13 task instances in five levels; results flow downstream, two of them as refs. */
export const CHAOS_TASKS: readonly TaskSpec[] = [
  { taskId: 'extract', returns: 'tiny', timeout: 'heartbeat', upstream: [], blob: false, shared: false },
  {
    taskId: 'fanout',
    mapCount: 4,
    returns: ['inline', 'object', 'ref', 'object'],
    timeout: 'heartbeat',
    upstream: ['extract'],
    blob: true,
    shared: true,
  },
  { taskId: 'zombie', mapCount: 3, returns: 'tiny', timeout: 'startToClose', upstream: ['extract'], blob: false, shared: false },
  { taskId: 'hb_zombie', mapCount: 2, returns: 'object', timeout: 'heartbeat', upstream: ['fanout'], blob: true, shared: false },
  { taskId: 'big', returns: 'huge', timeout: 'heartbeat', upstream: ['fanout'], blob: true, shared: false },
  { taskId: 'reduce', returns: 'ref', timeout: 'heartbeat', upstream: ['zombie', 'hb_zombie'], blob: true, shared: true },
  { taskId: 'join', returns: 'inline', timeout: 'heartbeat', upstream: ['big', 'reduce', 'fanout'], blob: false, shared: false },
];

export const CHAOS_DAG_ID = 'chaos';
export const RETURN_KEY = 'return_value';

export function taskSpec(taskId: string): TaskSpec {
  const spec = CHAOS_TASKS.find((t) => t.taskId === taskId);
  if (!spec) throw new Error(`chaos: no task ${taskId}`);
  return spec;
}

export function mapIndexesOf(spec: TaskSpec): number[] {
  return spec.mapCount === undefined ? [-1] : Array.from({ length: spec.mapCount }, (_, i) => i);
}

/** `fanout[2]`, `extract`: how reports and plans name a task instance. */
export function instanceName(taskId: string, mapIndex: number): string {
  return mapIndex < 0 ? taskId : `${taskId}[${mapIndex}]`;
}

export function allInstances(): { taskId: string; mapIndex: number }[] {
  return CHAOS_TASKS.flatMap((spec) => mapIndexesOf(spec).map((mapIndex) => ({ taskId: spec.taskId, mapIndex })));
}

/**
 * The keys attempt `attempt` of a task instance pushes (return value included): a deterministic function of the
 * task and the attempt, so attempts of one instance write different key sets. Attempt 1 pushes `first_try`, odd
 * attempts `odd`, retries `retry_<n>`.
 */
export function keysFor(taskId: string, attempt: number): string[] {
  const spec = taskSpec(taskId);
  const keys = [RETURN_KEY, 'meta'];
  if (spec.blob) keys.push('blob');
  if (spec.shared) keys.push('shared');
  if (attempt === 1) keys.push('first_try');
  if (attempt % 2 === 1) keys.push('odd');
  if (attempt >= 2) keys.push(`retry_${attempt}`);
  return keys;
}

export function sizeClassFor(taskId: string, mapIndex: number, key: string): SizeClass {
  const spec = taskSpec(taskId);
  if (key === RETURN_KEY) return typeof spec.returns === 'string' ? spec.returns : spec.returns[mapIndex]!;
  if (key === 'blob' || key === 'shared') return 'object';
  if (key === 'odd') return spec.blob ? 'object' : 'inline';
  return 'tiny';
}

/** Whether an attempt writes anything to the object store (so object-path kill points apply to it). */
export function attemptUploads(taskId: string, mapIndex: number, attempt: number): boolean {
  return keysFor(taskId, attempt).some((key) => ['object', 'ref', 'huge'].includes(sizeClassFor(taskId, mapIndex, key)));
}

/** Whether an attempt's return value goes up as a multipart upload. */
export function attemptUploadsMultipart(taskId: string, mapIndex: number): boolean {
  return sizeClassFor(taskId, mapIndex, RETURN_KEY) === 'huge';
}
