import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openXComStore } from '../../src/config/open-store';
import { storeConfigFromEnv } from '../../src/config/store-config';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { runCli } from './cli-runner';

type Item = Record<string, unknown>;

describe('xcom tasks, ledger, and keyset pages of list and runs (built binary)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  const dag = 'etl';
  const runId = 'run_states';

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'xcom-cli-listings-'));
    env = { DATABASE_URL: db.url, XCOM_DATA_DIR: dataDir };
    const store = await openXComStore(storeConfigFromEnv(env), { migrate: false });
    try {
      const run = { dagId: dag, runId, logicalDate: new Date('2024-02-01T00:00:00Z') };
      const values = (entries: [string, unknown][]) => new Map(entries);
      await store.commitAttempt({ ...run, taskId: 'extract', mapIndex: -1, attempt: 2, fence: 20, values: values([['return_value', 1], ['rows', 3]]) });
      // A zombie of an older attempt commits late: fenced.
      await store.commitAttempt({ ...run, taskId: 'extract', mapIndex: -1, attempt: 1, fence: 10, values: values([['return_value', 0]]) });
      for (let m = 0; m < 3; m++) {
        await store.commitAttempt({ ...run, taskId: 'transform', mapIndex: m, attempt: 1, fence: 1, values: values([['return_value', m]]) });
      }
      await store.clearTask({ dagId: dag, runId, taskId: 'transform', mapIndex: 1 });
      // An attempt that failed after pushing; and a value written by a client, outside any attempt.
      await store.discard([{ dagId: dag, runId, taskId: 'load', key: 'partial', attempt: 1 }]);
      await store.set({ dagId: dag, runId, taskId: 'manual', key: 'note', value: 'by hand', attempt: 0 });
      // Runs for the page walks: three DAGs, some runs without a logical date.
      for (let i = 0; i < 7; i++) {
        await store.commitAttempt({
          dagId: `pages_${i % 3}`,
          runId: `r${i}`,
          ...(i % 2 === 0 && { logicalDate: new Date(Date.UTC(2023, 0, 1 + i)) }),
          taskId: 't',
          mapIndex: -1,
          attempt: 1,
          fence: 1,
          values: values([['a', i], ['b', i]]),
        });
      }
    } finally {
      await store.close();
    }
  });

  afterAll(async () => {
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every page of a listing through its cursors (printed on stderr beside a JSON document). */
  async function walk(args: string[], limit: number): Promise<Item[]> {
    const items: Item[] = [];
    let after: string[] = [];
    for (let pages = 0; pages < 50; pages++) {
      const page = await runCli([...args, '--json', '--limit', String(limit), ...after], env);
      expect(page.status).toBe(0);
      const batch = JSON.parse(page.stdout) as Item[];
      expect(batch.length).toBeLessThanOrEqual(limit);
      items.push(...batch);
      const next = /next page: --after (\S+)/.exec(page.stderr);
      if (!next) return items;
      after = ['--after', next[1]!];
    }
    throw new Error('too many pages');
  }

  test('tasks: the states of a run from owners, entries and the ledger', async () => {
    const tasks = JSON.parse((await runCli(['tasks', '--dag', dag, '--run', runId, '--json'], env)).stdout) as Item[];
    expect(tasks.map((t) => [t.taskId, t.mapIndex, t.state, t.attempt, t.keys])).toEqual([
      ['extract', -1, 'success', 2, 2],
      ['load', -1, 'failed', 1, 0],
      ['manual', -1, 'external', 0, 1],
      ['transform', 0, 'success', 1, 1],
      ['transform', 1, 'cleared', 1, 0],
      ['transform', 2, 'success', 1, 1],
    ]);
    expect(tasks[0]!.ledger).toEqual({ written: 2, fenced: 1, superseded: 0, deleted: 0, discarded: 0 });
    expect(tasks[4]!.ledger).toMatchObject({ written: 1, deleted: 1 });

    const table = await runCli(['tasks', '--dag', dag, '--run', runId], env);
    expect(table.stdout).toMatch(/^task_id +map_index +state +attempt +keys +stored +committed_at +ledger$/m);
    expect(table.stdout).toMatch(/^extract +-1 +success +2 +2 +.* 2 written, 1 fenced$/m);
    expect(await walk(['tasks', '--dag', dag, '--run', runId], 2)).toEqual(tasks);
    const one = JSON.parse((await runCli(['tasks', '--dag', dag, '--run', runId, '--task', 'transform', '--json'], env)).stdout) as Item[];
    expect(one.map((t) => t.mapIndex)).toEqual([0, 1, 2]);
    expect((await runCli(['tasks', '--dag', dag, '--run', 'nope'], env)).stdout).toContain('no task instances recorded');
  }, 300_000);

  test('ledger: a run in the order it was written, filtered, a page at a time', async () => {
    const ledger = JSON.parse((await runCli(['ledger', '--dag', dag, '--run', runId, '--json'], env)).stdout) as Item[];
    expect(ledger.map((l) => `${l.taskId}[${l.mapIndex}].${l.key}:${l.outcome}`)).toEqual([
      'extract[-1].return_value:written',
      'extract[-1].rows:written',
      'extract[-1].return_value:fenced',
      'transform[0].return_value:written',
      'transform[1].return_value:written',
      'transform[2].return_value:written',
      'transform[1].return_value:deleted',
      'load[-1].partial:discarded',
      'manual[-1].note:written',
    ]);
    expect(await walk(['ledger', '--dag', dag, '--run', runId], 4)).toEqual(ledger);
    const fenced = JSON.parse((await runCli(['ledger', '--dag', dag, '--run', runId, '--outcome', 'fenced', '--json'], env)).stdout) as Item[];
    expect(fenced).toMatchObject([{ taskId: 'extract', attempt: 1, fence: 10 }]);
    const mapped = await runCli(['ledger', '--dag', dag, '--run', runId, '--task', 'transform', '--map-index', '1'], env);
    expect(mapped.stdout.trim().split('\n')).toHaveLength(4);
  }, 300_000);

  test('list and runs: walking the pages gives every row once, in the order of one big page', async () => {
    const oneKey = ['list', '--dag', 'pages_0', '--task', 't', '--key', 'a'];
    for (const args of [['list'], ['list', '--dag', 'pages_1'], ['list', '--key', 'b'], oneKey, ['runs'], ['runs', '--sizes'], ['runs', '--dag', 'pages_0']]) {
      const all = JSON.parse((await runCli([...args, '--json', '--limit', '1000'], env)).stdout) as Item[];
      expect(all.length).toBeGreaterThan(2);
      expect({ args, items: await walk(args, 2) }).toEqual({ args, items: all });
    }
    // Runs newest first (by logical date, else creation), then each run's entries by task, map index and key.
    const listed = JSON.parse((await runCli(['list', '--dag', 'pages_0', '--json'], env)).stdout) as Item[];
    expect(listed.map((e) => `${e.runId}.${e.key}`)).toEqual(['r3.a', 'r3.b', 'r6.a', 'r6.b', 'r0.a', 'r0.b']);
    // Without a DAG the order comes from the entries' own copy of their run's date (entries_by_run_date): the same.
    const everything = JSON.parse((await runCli(['list', '--json', '--limit', '1000'], env)).stdout) as Item[];
    expect(everything.filter((e) => e.dagId === 'pages_0').map((e) => `${e.runId}.${e.key}`)).toEqual(listed.map((e) => `${e.runId}.${e.key}`));

    // One key of one task is read from the key's own index (entries_latest), in the same order and with the same cursors.
    expect((JSON.parse((await runCli([...oneKey, '--json'], env)).stdout) as Item[]).map((e) => e.runId)).toEqual(['r3', 'r6', 'r0']);
    expect(await walk(oneKey, 1)).toEqual(await walk(oneKey, 3));
    const mapped = await walk(['list', '--dag', dag, '--task', 'transform', '--key', 'return_value'], 1);
    expect(mapped.map((e) => `${e.runId}[${e.mapIndex}]`)).toEqual([`${runId}[0]`, `${runId}[2]`]);

    // Under a table the cursor is printed on stdout; a cursor of another listing is refused.
    const table = await runCli(['runs', '--limit', '2'], env);
    const cursor = /^next page: --after (\S+)$/m.exec(table.stdout)?.[1];
    expect(cursor).toBeDefined();
    const wrong = await runCli(['list', '--after', cursor!], env);
    expect(wrong.status).toBe(2);
  }, 600_000); // some fifty processes

  test("list's table reads only the columns it shows: the same rows, cells and pages as the document", async () => {
    // Each table row as its cells (the preview, last, may hold spaces), and the cursor printed under the table.
    const tablePage = async (args: string[]) => {
      const out = await runCli(args, env);
      expect(out.status).toBe(0);
      const lines = out.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^dag_id +run_id +task_id +map_index +key +attempt +size +stored +updated_at +value$/);
      const next = /^next page: --after (\S+)$/m.exec(out.stdout)?.[1];
      const cells = (l: string) => {
        const split = l.split(/ +/);
        return [...split.slice(0, 9), split.slice(9).join(' ')];
      };
      return { rows: lines.slice(2).filter((l) => !l.startsWith('next page:')).map(cells), next };
    };
    const rows: string[][] = [];
    let after: string[] = [];
    for (let pages = 0; pages < 10; pages++) {
      const page = await tablePage(['list', '--limit', '4', ...after]);
      rows.push(...page.rows);
      if (page.next === undefined) break;
      after = ['--after', page.next];
    }
    const items = JSON.parse((await runCli(['list', '--json', '--limit', '1000'], env)).stdout) as Item[];
    expect(rows).toEqual(
      items.map((e) => [e.dagId, e.runId, e.taskId, String(e.mapIndex), e.key, String(e.attempt), String(e.sizeBytes), e.objectKey === null ? 'inline' : 'object', e.updatedAt, e.preview]),
    );
  }, 300_000);

  test('runs: dates by default; entries and stored bytes with --sizes', async () => {
    const plain = await runCli(['runs', '--dag', 'pages_0'], env);
    expect(plain.stdout).toMatch(/^dag_id +run_id +logical_date +created_at$/m);
    const sized = await runCli(['runs', '--dag', 'pages_0', '--sizes'], env);
    expect(sized.stdout).toMatch(/^dag_id +run_id +logical_date +created_at +entries +stored$/m);
    expect(sized.stdout).toMatch(/^pages_0 +r3 +\S+ +2 +\d+ B$/m);
    const [run] = JSON.parse((await runCli(['runs', '--dag', 'pages_0', '--json', '--limit', '1'], env)).stdout) as Item[];
    expect(Object.keys(run!).sort()).toEqual(['createdAt', 'dagId', 'logicalDate', 'runId']);
    const [withSizes] = JSON.parse((await runCli(['runs', '--dag', 'pages_0', '--sizes', '--json', '--limit', '1'], env)).stdout) as Item[];
    expect(withSizes).toEqual({ ...run, entries: 2, bytes: expect.any(Number) });
  }, 300_000);
});
