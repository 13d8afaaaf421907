import type { Client } from '@temporalio/client';

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

/** One activity's timeline as the server recorded it, in milliseconds. */
export interface ActivityTiming {
  /** ActivityTaskScheduled → ActivityTaskCompleted: what the workflow waits for. */
  readonly totalMs: number;
  /** Scheduled → Started: matching hands the task to a worker's poll. */
  readonly dispatchMs: number;
  /** Started → Completed: the worker runs the activity (interceptors included) and reports the result. */
  readonly runMs: number;
  /**
   * Previous activity's completion (or the workflow's start) → this one's scheduling: the workflow task in between,
   * including whatever the worker does to its payloads on the way in and out.
   */
  readonly gapBeforeMs: number;
}

export interface WorkflowTimings {
  readonly activities: ActivityTiming[];
  /** WorkflowExecutionStarted → WorkflowExecutionCompleted. */
  readonly workflowMs: number;
}

/**
 * Per-activity latencies from a closed workflow's history. Event times are server timestamps with sub-millisecond
 * resolution, so nothing in the workflow (which must stay deterministic) has to measure anything.
 */
export async function workflowTimings(client: Client, workflowId: string): Promise<WorkflowTimings> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const byId = new Map<number, HistoryEvent>();
  for (const event of events) byId.set(Number(event.eventId), event);

  const activities: ActivityTiming[] = [];
  let started: number | undefined;
  let completed: number | undefined;
  let previous: number | undefined;
  for (const event of events) {
    if (event.workflowExecutionStartedEventAttributes) previous = started = eventMs(event);
    if (event.workflowExecutionCompletedEventAttributes) completed = eventMs(event);
    const done = event.activityTaskCompletedEventAttributes;
    if (!done) continue;
    const scheduled = byId.get(Number(done.scheduledEventId));
    const start = byId.get(Number(done.startedEventId));
    if (!scheduled || !start) throw new Error(`${workflowId}: activity events ${done.scheduledEventId}/${done.startedEventId} missing`);
    const [s, b, c] = [eventMs(scheduled), eventMs(start), eventMs(event)];
    activities.push({ totalMs: c - s, dispatchMs: b - s, runMs: c - b, gapBeforeMs: s - (previous ?? s) });
    previous = c;
  }
  if (started === undefined || completed === undefined) throw new Error(`${workflowId}: history has no start or completion`);
  return { activities, workflowMs: completed - started };
}

function eventMs(event: HistoryEvent): number {
  const t = event.eventTime;
  if (!t) throw new Error(`history event ${String(event.eventId)} has no time`);
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}
