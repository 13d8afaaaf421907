// The migration guide's example DAGs (docs/examples/airflow-migration) run as written, on the real dev server.
import type { DagRunSnapshot } from '../../src/common/dag-run-snapshot';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { XComPlugin } from '../../src/plugin';
import * as activities from '../../docs/examples/airflow-migration/activities';
import { DAGS } from '../../docs/examples/airflow-migration/dags';
import { testStoreConfig } from '../helpers/store-fixtures';
import { connectTemporal, uniqueTaskQueue, type TemporalTestEnv } from '../helpers/temporal';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

let database: TestDatabase;
let plugin: XComPlugin;
let env: TemporalTestEnv;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  database = await createTestDatabase();
  plugin = new XComPlugin({ store: testStoreConfig(database.url), dags: DAGS });
  env = await connectTemporal();
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../docs/examples/airflow-migration/dags'),
    plugins: [plugin],
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
});

afterAll(async () => {
  await plugin?.runtime.close();
  await env?.close();
  await database?.drop();
});

async function run(workflowType: string): Promise<{ runId: string; snapshot: DagRunSnapshot }> {
  const taskQueue = uniqueTaskQueue(workflowType);
  const worker = await Worker.create({ connection: env.native, taskQueue, workflowBundle: bundle, activities, plugins: [plugin] });
  const runId = `${workflowType}-${randomUUID()}`;
  const snapshot = await worker.runUntil(env.client(plugin).workflow.execute<() => Promise<DagRunSnapshot>>(workflowType, { taskQueue, workflowId: runId }));
  return { runId, snapshot };
}

async function values(dagId: string, runId: string, taskId: string, key = 'return_value'): Promise<unknown[]> {
  const records = await (await plugin.store()).getMany({ dagIds: dagId, runId, taskIds: taskId, key });
  return records.sort((a, b) => a.mapIndex - b.mapIndex).map((r) => r.value);
}

describe("the migration guide's examples", () => {
  test('sales_etl: TaskFlow data dependencies, multipleOutputs, a branch and its join', async () => {
    const { runId, snapshot } = await run('salesEtlWorkflow');
    expect(snapshot.state).toBe('success');
    expect(Object.fromEntries(Object.entries(snapshot.tasks).map(([id, t]) => [id, t.state]))).toEqual({
      extract: 'success',
      transform: 'success',
      load: 'success',
      choose: 'success',
      big_day: 'success',
      normal_day: 'skipped',
      cleanup: 'success',
    });
    expect(await values('sales_etl', runId, 'transform', 'total')).toEqual([1200]);
    expect(await values('sales_etl', runId, 'load')).toEqual(['loaded 1200 into daily_sales']);
  });

  test('file_stats: expand, partial, cross product, map, zip, concat, expandKwargs', async () => {
    const { runId, snapshot } = await run('fileStatsWorkflow');
    expect(snapshot.state).toBe('success');
    const v = (taskId: string) => values('file_stats', runId, taskId);
    expect(await v('countLines')).toEqual([5, 5, 5]);
    expect(await v('sumAll')).toEqual([15]);
    expect(await v('addOffset')).toEqual([101, 102, 103]);
    expect(await v('addOffset__1')).toEqual([1, 2, 3, 101, 102, 103]);
    expect(await v('upper')).toEqual([5, 5, 5]);
    expect(await v('describePair')).toEqual(['a.csv: 5', 'b.csv: 5', 'c.csv: 5']);
    expect(await v('all_files')).toEqual([5, 5, 5, 9]);
    expect(await v('copyFile')).toEqual(['a.csv -> archive/a.csv', 'b.csv -> archive/b.csv']);
  });

  test('stats: explicit push and pull', async () => {
    const { runId, snapshot } = await run('statsWorkflow');
    expect(snapshot.state).toBe('success');
    expect(await values('stats', runId, 'push_stats', 'row_count')).toEqual([42]);
    expect((await values('stats', runId, 'report'))[0]).toBe('42 rows (latest known: 42)');
  });
});
