import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import { openXComStore } from '../../src/config/open-store';
import { storeConfigFromEnv } from '../../src/config/store-config';
import { migrations } from '../../src/migrations/generated';
import { requiredEnv } from '../helpers/store-fixtures';
import { cliCommand, runCli, runShell } from './cli-runner';

/** The schema version the shipped migrations reach. */
const latest = migrations.at(-1)?.id ?? 0;

describe('xcom migrate, status, list, get and gc (built binary)', () => {
  const adminUrl = () => requiredEnv('DATABASE_URL');
  const dbName = `xcom_cli_${randomBytes(4).toString('hex')}`;
  let dataDir: string;
  let serverEnv: Record<string, string>;
  let embeddedEnv: Record<string, string>;
  const dag = 'cli_dag';
  const runId = 'manual__2024-01-01';

  beforeAll(async () => {
    await createDatabase(adminUrl(), dbName);
    dataDir = await mkdtemp(path.join(tmpdir(), 'xcom-cli-'));
    serverEnv = { DATABASE_URL: databaseUrl(adminUrl(), dbName), XCOM_DATA_DIR: dataDir };
    embeddedEnv = { XCOM_DATA_DIR: dataDir };
  });

  afterAll(async () => {
    await dropDatabase(adminUrl(), dbName);
    await rm(dataDir, { recursive: true, force: true });
  });

  test.each([
    ['Postgres server', () => serverEnv, false],
    ['embedded PGlite', () => embeddedEnv, true],
  ])('against %s', async (_label, env, embedded) => {
    if (embedded) {
      // No store in the directory yet: every command says so (even migrate) until --create.
      for (const args of [['list'], ['migrate']]) {
        const refused = await runCli(args, env());
        expect(refused).toMatchObject({ status: 1, stderr: expect.stringContaining(`no XCom store in ${dataDir}`) });
        expect(refused.stderr).toContain('--create');
      }
    } else {
      const before = await runCli(['list'], env());
      expect(before.status).toBe(1);
      expect(before.stderr).toMatch(/run 'xcom migrate'/);
    }

    const migrated = await runCli(['migrate', '--create'], env());
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(new RegExp(`version 0 -> ${latest}[\\s\\S]*applied 000001_initial`));
    expect((await runCli(['migrate'], env())).stdout).toMatch(new RegExp(`up to date at version ${latest}`));
    expect(JSON.parse((await runCli(['migrate', '--json'], env())).stdout)).toEqual({ fromVersion: latest, toVersion: latest, applied: [] });

    const store = await openXComStore(storeConfigFromEnv(env()), { migrate: false });
    try {
      await store.commit([
        { dagId: dag, runId, taskId: 'extract', key: 'return_value', value: { rows: [1, 2, 3] }, attempt: 1 },
        { dagId: dag, runId, taskId: 'extract', key: 'a/slashed/key', value: 'x', attempt: 2 },
        { dagId: dag, runId, taskId: 'big', key: 'return_value', value: 'y'.repeat(100_000), attempt: 1 },
        {
          dagId: dag,
          runId,
          taskId: 'typed',
          key: 'return_value',
          value: { at: new Date('2024-01-01T00:00:00Z'), n: 2n ** 70n, bytes: Buffer.from('hi'), tags: new Set(['a']), m: new Map([['k', 1]]) },
          attempt: 1,
        },
      ]);
    } finally {
      await store.close();
    }

    const status = await runCli(['status'], env());
    expect(status).toMatchObject({ status: 0, stderr: '' });
    expect(status.stdout).toMatch(new RegExp(`schema +xcom at version ${latest} of ${latest}`));
    expect(status.stdout).toMatch(/object store +file:\/\/.*: reachable/);
    expect(status.stdout).toMatch(/entries +4 \(1 in the object store\)/);
    const statusJson = JSON.parse((await runCli(['status', '-o', 'json'], env())).stdout);
    expect(statusJson).toMatchObject({ version: latest, runs: 1, entries: 4, objects: 1, estimated: [], objectStoreCheck: { ok: true } });

    // A table with a short preview of each value; objects are not fetched for it.
    const list = await runCli(['list', '--dag', dag, '--task', 'extract'], env());
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^dag_id +run_id +task_id +map_index +key +attempt +size +stored +updated_at +value$/);
    expect(lines).toHaveLength(4);
    expect(list.stdout).toContain('a/slashed/key');
    expect(list.stdout).toContain('{ rows: [ 1, 2, 3 ] }');
    expect((await runCli(['list', '--task', 'big'], env())).stdout).toContain('(in the object store)');

    // --json is one document: an array, with the preview.
    const listed = JSON.parse((await runCli(['list', '--dag', dag, '--json'], env())).stdout) as Record<string, unknown>[];
    expect(listed.map((e) => e.taskId)).toEqual(['big', 'extract', 'extract', 'typed']);
    expect(listed[1]).toMatchObject({ key: 'a/slashed/key', preview: "'x'", updatedAt: expect.stringMatching(/^\d{4}-/) });
    const ndjson = (await runCli(['list', '--dag', dag, '-o', 'ndjson'], env())).stdout.trim().split('\n');
    expect(ndjson.map((line) => (JSON.parse(line) as { key: string }).key)).toEqual(listed.map((e) => e.key));
    expect(parseYaml((await runCli(['list', '--dag', dag, '-o', 'yaml'], env())).stdout)).toEqual(listed);
    expect(JSON.parse((await runCli(['list', '--dag', 'nothing', '--json'], env())).stdout)).toEqual([]);

    const get = await runCli(['get', '--dag', dag, '--run', runId, '--task', 'extract'], env());
    expect(get.status).toBe(0);
    expect(get.stdout).toContain('{ rows: [ 1, 2, 3 ] }');
    // The machine formats carry the value, as plain JSON data.
    const typed = JSON.parse((await runCli(['get', '--dag', dag, '--run', runId, '--task', 'typed', '--json'], env())).stdout);
    expect(typed).toMatchObject({ dagId: dag, taskId: 'typed', attempt: 1 });
    expect(typed.value).toEqual({ at: '2024-01-01T00:00:00.000Z', n: (2n ** 70n).toString(), bytes: 'aGk=', tags: ['a'], m: { k: 1 } });
    const yamlGet = parseYaml((await runCli(['get', '--dag', dag, '--run', runId, '--task', 'extract', '-o', 'yaml'], env())).stdout);
    expect(yamlGet.value).toEqual({ rows: [1, 2, 3] });

    const preview = await runCli(['get', '--dag', dag, '--run', runId, '--task', 'big', '--max-chars', '50'], env());
    expect(preview.stdout).toMatch(/more characters; --full shows everything/);
    expect(preview.stdout.length).toBeLessThan(1000);
    const full = await runCli(['get', '--dag', dag, '--run', runId, '--task', 'big', '--full'], env());
    expect(full.stdout.length).toBeGreaterThan(100_000);

    // A reader that stops early (head) ends the CLI quietly, not with an EPIPE stack trace.
    const big = ['get', '--dag', dag, '--run', runId, '--task', 'big', '--json'];
    const headed = await runShell(`${cliCommand(big)} | head -c 100 >/dev/null`, env());
    expect(headed).toMatchObject({ status: 0, stderr: '' });
    const firstLine = await runShell(`${cliCommand(['list', '--json'])} | head -1`, env());
    expect(firstLine).toMatchObject({ status: 0, stdout: '[\n', stderr: '' });

    const missing = await runCli(['get', '--dag', dag, '--run', runId, '--task', 'nope'], env());
    expect(missing).toMatchObject({ status: 1, stderr: expect.stringContaining('no XCom for dag=cli_dag') });

    // The object sweep: the big value's object is referenced; once its entry is gone, gc collects it.
    const reopened = await openXComStore(storeConfigFromEnv(env()), { migrate: false });
    try {
      await reopened.delete({ dagId: dag, runId, taskId: 'big', key: 'return_value' });
    } finally {
      await reopened.close();
    }
    expect((await runCli(['gc', '--grace', 'soon'], env())).status).toBe(2);
    const young = await runCli(['gc'], env());
    expect(young).toMatchObject({ status: 0, stdout: expect.stringContaining('removed 0 object(s)') });
    const dry = JSON.parse((await runCli(['gc', '--dry-run', '--grace', '0', '--json'], env())).stdout) as { deleted: number; dryRun: boolean };
    expect(dry).toMatchObject({ deleted: 1, dryRun: true });
    const gc = await runCli(['gc', '--grace', '0'], env());
    expect(gc).toMatchObject({ status: 0, stdout: expect.stringMatching(/removed 1 object\(s\), \d+ bytes/) });
    expect(JSON.parse((await runCli(['gc', '--grace', '0', '--json'], env())).stdout)).toMatchObject({ deleted: 0, orphans: 0 });
  }, 300_000); // some forty processes, each a Node start and a store open, on a loaded machine
});
