// Exclusive XComs through Temporal (issue 10, item 3; docs/exclusive-xcoms.md): write isolation (push and result,
// declared in the DAG or on the push), read isolation on every read path, and atomic consume with concurrent consumers.
import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { XComPlugin } from '../../src/plugin';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { XComStore } from '../../src/store/xcom-store';
import * as activities from '../fixtures/exclusive/activities';
import { tokensDag, TOKENS_DAG } from '../fixtures/exclusive/dags';
import type { Outcome, Step } from '../fixtures/exclusive/workflows';
import { testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, type TemporalTestEnv } from '../helpers/temporal';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

let env: TemporalTestEnv;
let database: TestDatabase;
let plugin: XComPlugin;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  database = await createTestDatabase();
  env = await connectTemporal();
  plugin = new XComPlugin({ store: testStoreConfig(database.url), accessPolicy: {}, dags: [tokensDag] });
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/exclusive/workflows'),
    plugins: [plugin],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
});

afterAll(async () => {
  await plugin?.runtime.close();
  await env?.close();
  await database?.drop();
});

/** Runs a workflow to completion on a fresh worker of this file's fixtures. */
async function run<R>(workflowType: string, args: unknown[] = []): Promise<{ workflowId: string; result: R }> {
  const taskQueue = `exclusive-${randomUUID()}`;
  const workflowId = `${workflowType}-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.native, taskQueue, workflowBundle: bundle, activities, plugins: [plugin] });
  const result = await worker.runUntil(env.client(plugin).workflow.execute<(...a: unknown[]) => Promise<R>>(workflowType, { taskQueue, workflowId, args }));
  return { workflowId, result };
}

const store = async () => (await plugin.runtime.store()) as XComStore;

function expectFailed(outcome: Outcome | undefined, type: string, pattern: RegExp): void {
  expect(outcome).toMatchObject({ failed: { type, nonRetryable: true } });
  if (outcome && 'failed' in outcome) expect(outcome.failed.message).toMatch(pattern);
}

describe('declared in the DAG (defineDag exclusive)', () => {
  let outcomes: Record<string, Outcome>;
  let runId: string;
  beforeAll(async () => {
    ({ workflowId: runId, result: outcomes } = await run<Record<string, Outcome>>('tokens'));
  });

  test('write isolation: another task pushing the key fails non-retryably, naming key, owner and writer', () => {
    expect(outcomes.login).toEqual({ ok: 'pushed' });
    expectFailed(outcomes.intruder, 'XComExclusiveWriterError', /XCom key 'api_token' in \[dag=exclusive_tokens, run=.*\] is exclusive to task 'login'; task 'intruder' may not write it/);
  });

  test('write isolation: nor may it return the key as a result (multipleOutputs)', () => {
    expectFailed(outcomes.intruderResult, 'XComExclusiveWriterError', /key 'api_token' .* exclusive to task 'login'; task 'intruder'/);
  });

  test('the owner\'s value is untouched, and carries the declaration for workers that do not know the DAG', async () => {
    const entry = await (await store()).get({ dagId: TOKENS_DAG, runId, taskId: 'login', key: 'api_token' });
    expect(entry).toMatchObject({ value: 'token-value', exclusiveWriter: 'login', exclusiveReaders: ['charge'] });
    expect(await (await store()).get({ dagId: TOKENS_DAG, runId, taskId: 'intruder', key: 'api_token' })).toBeUndefined();
  });

  test('read isolation: the named reader pulls it; another task\'s pull fails non-retryably naming key, task and readers', () => {
    expect(outcomes.charge).toEqual({ ok: 'token-value' });
    expectFailed(outcomes.snoop, 'XComExclusiveReaderError', /XCom key 'api_token' of task 'login' in \[dag=exclusive_tokens, run=.*\] may be read only by task\(s\) 'charge'; task 'snoop' may not read it/);
    expect(JSON.stringify(outcomes.snoop)).not.toContain('token-value');
  });

  test('read isolation: refs — only a reader gets one; resolving it in another task or in workflow code fails', () => {
    expect(outcomes.chargeRef).toMatchObject({ ok: { $xcomRef: expect.anything() } });
    expectFailed(outcomes.snoopRef, 'XComExclusiveReaderError', /task 'snoop' may not read it/);
    expectFailed(outcomes.snoopResolves, 'XComExclusiveReaderError', /task 'snoop' may not read it/);
    expectFailed(outcomes.workflowResolve, 'XComExclusiveReaderError', /task '\(workflow code of DAG 'exclusive_tokens'\)' may not read it/);
  });

  test('read isolation: a pull or a waitForXCom in workflow code fails', () => {
    expectFailed(outcomes.workflowWait, 'XComExclusiveReaderError', /key 'api_token' .* task '\(workflow code of DAG 'exclusive_tokens'\)' may not read it/);
    expectFailed(outcomes.workflowPull, 'XComExclusiveReaderError', /key 'api_token' .* may be read only by task\(s\) 'charge'; task '\(workflow code of DAG 'exclusive_tokens'\)'/);
    for (const outcome of Object.values(outcomes)) if (outcome !== outcomes.charge && outcome !== outcomes.workflowResolve) expect(JSON.stringify(outcome)).not.toContain('token-value');
  });
});

describe('declared on the push (stored with the entry)', () => {
  const read = (taskId: string, how: activities.ReadHow, target = 'vault', key = 'secret'): Step => ({ taskId, act: 'readVia', args: [how, target, key] });
  let outcomes: Outcome[];
  beforeAll(async () => {
    const steps: Step[] = [
      { taskId: 'vault', act: 'pushKey', args: ['secret', 'shh', { exclusive: { writer: 'vault', readers: ['reader'] } }] },
      { taskId: 'mapped_vault', mapIndex: 0, act: 'pushKey', args: ['mapped_secret', 'shh-mapped', { exclusive: { readers: ['reader'] } }] },
      { taskId: 'other', act: 'returnOutputs', args: [{ secret: 'overwritten' }], multipleOutputs: true },
      { taskId: 'other', act: 'pushKey', args: ['secret', 'overwritten'] },
      read('reader', 'pull'),
      read('reader', 'pullMapped', 'mapped_vault', 'mapped_secret'),
      read('spy', 'pull'),
      read('spy', 'pullStream'),
      read('spy', 'includePriorDates'),
      read('spy', 'pullMapped', 'mapped_vault', 'mapped_secret'),
      { taskId: 'bad', act: 'pushKey', args: ['mine', 1, { exclusive: { writer: 'someone_else' } }] },
      { taskId: 'bad', act: 'pushKey', args: ['mine', 1, { exclusive: { readers: [] } }] },
    ];
    ({ result: outcomes } = await run<Outcome[]>('steps', [{ steps }]));
  });

  test('write isolation in the commit: another task\'s result and push under the key fail non-retryably, naming key, owner and writer', () => {
    expect(outcomes[0]).toEqual({ ok: 'pushed' });
    expectFailed(outcomes[2], 'XComExclusiveWriterError', /XCom key 'secret' in \[dag=steps, run=.*\] is exclusive to task 'vault'; task 'other' may not write it/);
    expectFailed(outcomes[3], 'XComExclusiveWriterError', /key 'secret' .* exclusive to task 'vault'; task 'other' may not write it/);
  });

  test('read isolation on every task read path: pull, pullStream, includePriorDates, pullMapped', () => {
    expect(outcomes[1]).toEqual({ ok: 'pushed' });
    expect(outcomes[4]).toEqual({ ok: 'shh' });
    expect(outcomes[5]).toEqual({ ok: 'shh-mapped' });
    for (const i of [6, 7, 8]) expectFailed(outcomes[i], 'XComExclusiveReaderError', /XCom key 'secret' of task 'vault' in .* may be read only by task\(s\) 'reader'; task 'spy' may not read it/);
    expectFailed(outcomes[9], 'XComExclusiveReaderError', /key 'mapped_secret' of task 'mapped_vault\[0\]' .* task 'spy' may not read it/);
    expect(JSON.stringify(outcomes.slice(6))).not.toContain('shh');
  });

  test('a bad declaration is refused with an error naming the push and the field', () => {
    expectFailed(outcomes[10], 'XComIdentityError', /xcom.push\('mine'\) in task 'bad': exclusive writer 'someone_else' must be the pushing task itself/);
    expectFailed(outcomes[11], 'XComIdentityError', /xcom.push\('mine'\) in task 'bad': exclusive for key 'mine' readers must be a non-empty list of task ids/);
  });
});

describe('atomic consume', () => {
  type Consumed = { key: string; value: { item: number } } | null;
  const okValues = (outcomes: Outcome[]) => outcomes.map((o) => ('ok' in o ? (o.ok as Consumed) : undefined));

  async function consumedRows(runId: string) {
    const s = await store();
    return s.engine.query<{ key: string; outcome: string; reader: string | null }>(
      `select l.key, l.outcome, a.reader_task_id as reader
         from ${quoteSchema(s.schema)}.ledger l
         left join ${quoteSchema(s.schema)}.audit a
           on a.action = 'consume' and a.run_id = l.run_id and a.task_id = l.task_id and a.key = l.key
        where l.run_id = $1 and l.task_id = 'producer' and l.outcome = 'consumed' order by l.key`,
      [runId],
    );
  }

  test('8 concurrent consumers of 6 values: each value goes to exactly one consumer, the others get null; ledger and audit agree', async () => {
    const { workflowId, result } = await run<Outcome[]>('consumeRace', [{ items: 6, consumers: 8 }]);
    const got = okValues(result);
    expect(got.every((g) => g !== undefined)).toBe(true);
    const keys = got.flatMap((g) => (g ? [g.key] : []));
    expect([...keys].sort()).toEqual(['item_0', 'item_1', 'item_2', 'item_3', 'item_4', 'item_5']);
    for (const g of got) if (g) expect(g.value).toEqual({ item: Number(g.key.slice(5)) });
    expect(got.filter((g) => g === null)).toHaveLength(2);
    const left = await (await store()).getMany({ dagIds: 'consumeRace', runId: workflowId, taskIds: 'producer' });
    expect(left.map((r) => r.key)).toEqual(['return_value']);
    // One 'consumed' ledger row per value, and the audit names the consumer whose result holds it.
    const rows = await consumedRows(workflowId);
    expect(rows.map((r) => r.key)).toEqual(keys.sort());
    for (const row of rows) expect(got[Number(row.reader!.slice('consumer_'.length))]?.key).toBe(row.key);
  });

  test('a consumer that fails after consuming leaves the value for another consumer', async () => {
    // Consumer 0 consumes item_0 and fails (no retries); consumer 1, run after it, still gets the value.
    const { workflowId, result } = await run<Outcome[]>('consumeRace', [{ items: 1, consumers: 2, failing: [0], sequential: true }]);
    expect(result[0]).toMatchObject({ failed: { message: 'failing after consuming item_0' } });
    expect(result[1]).toEqual({ ok: { key: 'item_0', value: { item: 0 } } });
    const ledger = await (await store()).ledger({ dagId: 'consumeRace', runId: workflowId, taskId: 'producer', key: 'item_0' });
    expect(ledger.map((l) => l.outcome)).toEqual(['written', 'consumed']);
    expect((await consumedRows(workflowId)).map((r) => r.reader)).toEqual(['consumer_1']);
  });
});
