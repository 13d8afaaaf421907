import { entryPage, listingPage } from '../../src/cli/queries/entry-page';
import { pullXCom } from '../../src/pull/pull-xcom';
import { listRunDates } from '../../src/store/retention/list-runs';
import type { PullCaller } from '../../src/pull/pull-options';
import type { SubscriptionStore } from '../../src/subscriptions/subscription-store';
import type { ResolvedWaitTarget } from '../../src/subscriptions/wait-target';
import type { XComStore } from '../../src/store/xcom-store';
import type { ScalePlan } from './fill';

/** One measured operation of the scale bench, with the ceiling issue 13 sets for its ratio to a primary-key select. */
export interface ScaleOperation {
  readonly name: string;
  readonly kind: 'read' | 'write';
  /** The must-show ceiling (× the primary-key select). */
  readonly target: number;
  /**
   * A second floor doing work of the same size, for context: the same number of rows read by primary key, or a bare
   * one-row upsert (one WAL flush) for a write.
   */
  readonly like?: { readonly rows: number } | 'upsert';
  /** `i` is unique per call in one pass (negative for warm-ups). */
  readonly run: (i: number) => Promise<void>;
}

export interface ScaleContext {
  readonly store: XComStore;
  readonly subscriptions: SubscriptionStore;
  readonly plan: ScalePlan;
  /** Distinguishes the rows one pass writes from another's. */
  readonly pass: number;
  /** The filled run a call reads, spread over every run. */
  runOf(i: number): string;
}

/** A wait for a key nobody wrote, in any run: the lookup finds nothing, whatever the number of runs. */
export function neverWrittenTarget(plan: ScalePlan): ResolvedWaitTarget {
  return { dagId: plan.dagId, taskId: 'task_0', key: 'never_written', mapIndex: -1, runId: null, minLogicalDate: null };
}

/** A task of a new run, one minute after the newest filled run: what `includePriorDates` looks back from. */
export function nextRunCaller(plan: ScalePlan): PullCaller {
  const logicalDate = new Date(plan.newest.getTime() + 60_000);
  return { dagId: plan.dagId, runId: 'run_next', taskId: 'task_9', mapIndex: -1, logicalDate };
}

export function scaleOperations(ctx: ScaleContext): ScaleOperation[] {
  const { store, plan, subscriptions } = ctx;
  const dagId = plan.dagId;
  const engine = store.engine;
  const schema = `"${store.schema}"`;
  const caller = (runId: string): PullCaller => ({ dagId, runId, taskId: 'task_9', mapIndex: -1 });
  const next = nextRunCaller(plan);
  const written = (i: number) => `scale_p${ctx.pass}_${i}`;
  return [
    { name: 'get (one entry by key)', kind: 'read', target: 4, run: async (i) => void (await store.get({ dagId, runId: ctx.runOf(i), taskId: 'task_3', key: 'return_value' })) },
    { name: "a run's keys (30 entries, metadata)", kind: 'read', target: 4, like: { rows: 30 }, run: async (i) => void (await store.getMany({ dagIds: dagId, runId: ctx.runOf(i) }, { values: false })) },
    { name: "pull (a task's return_value in its run)", kind: 'read', target: 4, run: async (i) => void (await pullXCom(store, caller(ctx.runOf(i)), { taskIds: 'task_2' })) },
    { name: 'count (a task instance of a run)', kind: 'read', target: 4, run: async (i) => void (await store.count({ dagIds: dagId, runId: ctx.runOf(i), taskIds: 'task_1' })) },
    { name: 'includePriorDates, the newest run has it', kind: 'read', target: 4, run: async () => void (await pullXCom(store, next, { taskIds: 'task_0', includePriorDates: true })) },
    { name: 'includePriorDates, only the oldest run has it', kind: 'read', target: 3, run: async () => void (await pullXCom(store, next, { taskIds: 'task_0', key: plan.rareKey, includePriorDates: true })) },
    { name: 'wait registration lookup (any run, never written)', kind: 'read', target: 3, run: async () => void (await subscriptions.find(neverWrittenTarget(plan))) },
    // What `xcom list` reads for its table (the cells it shows and the value to preview); `-o json` reads full rows.
    { name: 'xcom list, first page (50), no filter', kind: 'read', target: 3, like: { rows: 50 }, run: async () => void (await listingPage(engine, schema, { limit: 50 })) },
    { name: 'xcom list, first page, --dag', kind: 'read', target: 4, like: { rows: 50 }, run: async () => void (await listingPage(engine, schema, { dagId, limit: 50 })) },
    { name: 'xcom list, first page, --dag --task --key', kind: 'read', target: 4, like: { rows: 50 }, run: async () => void (await listingPage(engine, schema, { dagId, taskId: 'task_4', key: 'return_value', limit: 50 })) },
    { name: 'xcom list -o json, first page (50), no filter', kind: 'read', target: 4, like: { rows: 50 }, run: async () => void (await entryPage(engine, schema, { limit: 50 })) },
    // What `xcom runs` and the web page's runs page read: the runs without their sizes (those are `--sizes`).
    { name: 'xcom runs, first page (50), no filter', kind: 'read', target: 3, like: { rows: 50 }, run: async () => void (await listRunDates(engine, schema, { limit: 50 })) },
    { name: 'xcom runs, first page, --dag', kind: 'read', target: 4, like: { rows: 50 }, run: async () => void (await listRunDates(engine, schema, { dagId, limit: 50 })) },
    {
      name: "commit of a run's 30 entries (10 attempts at once)",
      kind: 'write',
      target: 8,
      like: 'upsert',
      run: async (i) => {
        const runId = written(i);
        const logicalDate = new Date(plan.newest.getTime() + 120_000);
        await Promise.all(
          Array.from({ length: plan.tasks }, (_, t) =>
            store.commitAttempt({
              dagId,
              runId,
              taskId: `task_${t}`,
              attempt: 1,
              fence: 1,
              logicalDate,
              values: new Map<string, unknown>(plan.keys.map((key, k) => [key, k === 0 ? { run: i, task: t, rows: 18234 } : k])),
            }),
          ),
        );
      },
    },
    { name: 'set (one key outside an attempt)', kind: 'write', target: 8, like: 'upsert', run: async (i) => void (await store.set({ dagId, runId: written(i), taskId: 'setter', key: 'k', value: { i }, attempt: 1 })) },
    { name: "clear (a task instance's 3 keys)", kind: 'write', target: 8, like: 'upsert', run: async (i) => void (await store.clear({ dagId, runId: written(i), taskId: 'task_0' })) },
    {
      name: 'wait registration, whole transaction (any run)',
      kind: 'write',
      target: 8,
      like: 'upsert',
      run: async (i) =>
        void (await subscriptions.register({
          waitId: `scale_p${ctx.pass}_${i}`,
          target: neverWrittenTarget(plan),
          subscriber: { kind: 'client' },
          expiresInMs: 600_000,
        })),
    },
  ];
}
