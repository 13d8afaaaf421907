import type { Client } from '@temporalio/client';
import { percentile } from '../lib/percentiles';

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];
type Payloads = { payloads?: { data?: Uint8Array | null; metadata?: Record<string, Uint8Array> | null }[] | null } | null | undefined;

/** What one closed run's history says: its size, and where its time went (server event times). */
export interface RunHistory {
  /** Events in the history, and its size in bytes as the server accounts it (DescribeWorkflowExecution). */
  readonly events: number;
  readonly sizeBytes: number;
  /** Bytes of activity inputs (ActivityTaskScheduled) and results (ActivityTaskCompleted), payload data + metadata. */
  readonly inputBytes: number;
  readonly resultBytes: number;
  readonly workflowTasks: number;
  /** Sum of WorkflowTaskStarted → Completed: the worker running workflow code (and its interceptors). */
  readonly workflowTaskMs: number;
  readonly localActivities: number;
  /** Mapped instances (`double`): scheduled → started p50, started → completed p50 (the activity, interceptors included). */
  readonly instanceDispatchP50Ms: number;
  readonly instanceRunP50Ms: number;
  /** Start → first instance scheduled; first instance scheduled → last completed; last completed → run completed. */
  readonly beforeFanMs: number;
  readonly fanMs: number;
  readonly afterFanMs: number;
  /** Start → completion on the server's clock. */
  readonly serverMs: number;
}

/** Reads a closed run's history and description. `instanceType` names the mapped activity. */
export async function readRunHistory(client: Client, workflowId: string, instanceType: string): Promise<RunHistory> {
  const handle = client.workflow.getHandle(workflowId);
  const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
  const events = history.events ?? [];
  const byId = new Map<number, HistoryEvent>(events.map((e) => [Number(e.eventId), e]));
  let started: number | undefined;
  let completed: number | undefined;
  let workflowTasks = 0;
  let workflowTaskMs = 0;
  let localActivities = 0;
  let inputBytes = 0;
  let resultBytes = 0;
  let firstScheduled = Infinity;
  let lastCompleted = -Infinity;
  const dispatch: number[] = [];
  const run: number[] = [];
  for (const event of events) {
    const at = eventMs(event);
    if (event.workflowExecutionStartedEventAttributes) started = at;
    if (event.workflowExecutionCompletedEventAttributes) completed = at;
    const task = event.workflowTaskCompletedEventAttributes;
    if (task) {
      workflowTasks += 1;
      const begun = byId.get(Number(task.startedEventId));
      if (begun) workflowTaskMs += at - eventMs(begun);
    }
    if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') localActivities += 1;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      inputBytes += payloadBytes(scheduled.input);
      if (scheduled.activityType?.name === instanceType) firstScheduled = Math.min(firstScheduled, at);
    }
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      resultBytes += payloadBytes(done.result);
      const s = byId.get(Number(done.scheduledEventId));
      const b = byId.get(Number(done.startedEventId));
      if (!s || !b) throw new Error(`${workflowId}: activity events ${done.scheduledEventId}/${done.startedEventId} missing`);
      if (s.activityTaskScheduledEventAttributes?.activityType?.name === instanceType) {
        dispatch.push(eventMs(b) - eventMs(s));
        run.push(at - eventMs(b));
        lastCompleted = Math.max(lastCompleted, at);
      }
    }
  }
  if (started === undefined || completed === undefined) throw new Error(`${workflowId}: history has no start or completion`);
  if (run.length === 0) throw new Error(`${workflowId}: no ${instanceType} activity completed`);
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  return {
    events: events.length,
    sizeBytes: description.historySize ?? NaN,
    inputBytes,
    resultBytes,
    workflowTasks,
    workflowTaskMs,
    localActivities,
    instanceDispatchP50Ms: percentile(sorted(dispatch), 50),
    instanceRunP50Ms: percentile(sorted(run), 50),
    beforeFanMs: firstScheduled - started,
    fanMs: lastCompleted - firstScheduled,
    afterFanMs: completed - lastCompleted,
    serverMs: completed - started,
  };
}

function payloadBytes(payloads: Payloads): number {
  let n = 0;
  for (const p of payloads?.payloads ?? []) {
    n += p.data?.length ?? 0;
    for (const [k, v] of Object.entries(p.metadata ?? {})) n += k.length + v.length;
  }
  return n;
}

function eventMs(event: HistoryEvent): number {
  const t = event.eventTime;
  if (!t) throw new Error(`history event ${String(event.eventId)} has no time`);
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}
