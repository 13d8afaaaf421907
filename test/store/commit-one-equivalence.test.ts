// `commit_attempt` (one attempt alone, what the store sends when it commits one) must leave exactly what
// `commit_attempts` leaves for a batch of that one attempt: the same outcome, entries, ledger, audit rows and task
// instance owner. Each script runs twice on a Postgres server, once through each function, in runs of its own, and
// the two results are compared with run ids and times taken out.
import { createValueCodec } from '../../src/codec/value-codec';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { AuditedRead } from '../../src/audit/audited-read';
import { commitOneOutcome, commitOneParams, commitOneStatement, type CommitOneRow } from '../../src/store/commit-one-statement';
import { attemptGroup, commitParams, commitStatement, type AttemptGroup, type CommitOutcome } from '../../src/store/commit-statement';
import { resolveIdentity } from '../../src/store/identity';
import { prepareEntry } from '../../src/store/prepare-entry';
import type { XComStore } from '../../src/store/xcom-store';
import { storeForDescribe, uniqueRunId } from '../helpers/store-fixtures';

const DAG = 'commit_one_equivalence';

let store: XComStore;
storeForDescribe('postgres', 'minio', (opened) => (store = opened));

/** One commit of a script: task `task`'s attempt with its values, lineage and reads. */
interface Step {
  readonly task?: string;
  readonly attempt: number;
  readonly fence: number;
  readonly values: Record<string, unknown>;
  readonly logicalDate?: Date;
  readonly reads?: (runId: string) => AuditedRead[];
  /** Through `commit_attempts` in both runs (a declaration of an exclusive writer: `commit_attempt` takes none). */
  readonly exclusiveWriter?: { readonly key: string; readonly writer: string };
}

async function groupOf(runId: string, step: Step): Promise<AttemptGroup> {
  const codec = createValueCodec();
  const limits = { inlineThresholdBytes: store.inlineThresholdBytes, maxValueBytes: store.maxValueBytes };
  const task = step.task ?? 't';
  const entries = await Promise.all(
    Object.entries(step.values).map(async ([key, value]) =>
      (await prepareEntry(resolveIdentity({ dagId: DAG, runId, taskId: task, key }), value, codec, limits)).entry,
    ),
  );
  const exclusive = step.exclusiveWriter && new Map([[step.exclusiveWriter.key, { writer: step.exclusiveWriter.writer }]]);
  return attemptGroup(
    entries,
    { attempt: step.attempt, fence: step.fence, temporalRunId: 'temporal-run', activityType: 'act', logicalDate: step.logicalDate ?? null },
    { dagId: DAG, runId, taskId: task, mapIndex: -1 },
    step.reads?.(runId) ?? [],
    exclusive ? { exclusive } : {},
  );
}

async function commit(via: 'one' | 'batch', group: AttemptGroup): Promise<CommitOutcome> {
  const schema = quoteSchema(store.schema);
  if (via === 'one' && !group.exclusive) {
    const [row] = await store.engine.query<CommitOneRow>(commitOneStatement(schema), commitOneParams(group));
    return commitOneOutcome(row!);
  }
  const [outcome] = await store.engine.query<CommitOutcome>(commitStatement(schema), commitParams([group]));
  return outcome!;
}

/** What a run holds afterwards, without its run id and times. */
async function stateOf(runId: string) {
  const schema = quoteSchema(store.schema);
  const rows = (sql: string) => store.engine.query<Record<string, unknown>>(sql, [runId]);
  return {
    run: await rows(`select logical_date from ${schema}.dag_runs where run_id = $1`),
    owners: await rows(
      `select task_id, map_index, fence, attempt, temporal_run_id, activity_type, key_count
         from ${schema}.task_instances where run_id = $1 order by task_id`,
    ),
    entries: await rows(
      `select task_id, map_index, key, attempt, fence, temporal_run_id, activity_type, size_bytes, stored_bytes, digest,
              encoding, inline_value, object_key, keep_until, run_date = (select coalesce(r.logical_date, r.created_at)
              from ${schema}.dag_runs r where r.run_id = e.run_id) as dated, exclusive_writer, exclusive_readers
         from ${schema}.entries e where run_id = $1 order by task_id, key`,
    ),
    ledger: await rows(
      `select task_id, key, attempt, fence, temporal_run_id, digest, size_bytes, object_key, outcome
         from ${schema}.ledger where run_id = $1 order by id`,
    ),
    audit: await rows(
      `select action, reader_task_id, reader_attempt, reader_fence, reader_outcome, task_id, key, digest
         from ${schema}.audit where reader_run_id = $1 order by id`,
    ),
  };
}

async function play(via: 'one' | 'batch', script: readonly Step[]) {
  const runId = uniqueRunId(via);
  const outcomes: unknown[] = [];
  for (const step of script) {
    const outcome = await commit(via, await groupOf(runId, step));
    outcomes.push({ ...outcome, refusals: outcome.refusals?.map((r) => (r === null ? null : JSON.parse(r.replaceAll(runId, 'RUN')))) });
  }
  return { outcomes, state: await stateOf(runId) };
}

const upstreamRead = (runId: string): AuditedRead[] => [
  { dagId: DAG, runId, taskId: 'up', mapIndex: -1, key: 'return_value', digest: 'ab'.repeat(32), readAt: new Date('2026-01-01T00:00:00Z') },
  { dagId: DAG, runId, taskId: 'up', mapIndex: -1, key: 'other', digest: 'cd'.repeat(32), readAt: new Date('2026-01-01T00:00:01Z') },
];

const scripts: Record<string, Step[]> = {
  'a first attempt, a retry with another key set, then the zombie': [
    { attempt: 1, fence: 1_000, values: { return_value: 1, a: 'first', b: 'first' } },
    { attempt: 2, fence: 2_000, values: { return_value: 2, c: 'retry' } },
    { attempt: 1, fence: 1_000, values: { return_value: 'zombie', d: 'zombie only' } },
  ],
  'reads recorded for the winner and for the zombie': [
    { attempt: 2, fence: 2_000, values: { return_value: 2 }, reads: upstreamRead },
    { attempt: 1, fence: 1_000, values: { return_value: 1 }, reads: upstreamRead },
  ],
  'an empty key set supersedes every key; a re-run at the same fence replaces it': [
    { attempt: 1, fence: 10, values: { return_value: 1, x: 1 } },
    { attempt: 2, fence: 20, values: {} },
    { attempt: 2, fence: 20, values: { y: 'again' } },
  ],
  'the run gets its logical date from a later attempt, and keeps the first one given': [
    { attempt: 1, fence: 1, values: { return_value: 1 } },
    { attempt: 2, fence: 2, values: { return_value: 2 }, logicalDate: new Date('2026-03-01T00:00:00Z') },
    { task: 'u', attempt: 1, fence: 1, values: { return_value: 3 }, logicalDate: new Date('2027-03-01T00:00:00Z') },
  ],
  'a key another task owns is refused, writing nothing; its other keys are free': [
    { task: 'owner', attempt: 1, fence: 1, values: { return_value: 0, shared: 'mine' }, exclusiveWriter: { key: 'shared', writer: 'owner' } },
    { attempt: 1, fence: 1, values: { return_value: 1, shared: 'stolen', free: 1 }, reads: upstreamRead },
    { attempt: 2, fence: 2, values: { return_value: 2, free: 2 } },
  ],
};

describe('commit_attempt leaves what commit_attempts leaves for one attempt', () => {
  test.each(Object.keys(scripts))('%s', async (name) => {
    const script = scripts[name]!;
    expect(await play('one', script)).toEqual(await play('batch', script));
  });
});
