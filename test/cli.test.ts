import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDatabase, databaseUrl, dropDatabase } from '../services/postgres';
import { openXComStore } from '../src/config/open-store';
import { storeConfigFromEnv } from '../src/config/store-config';
import { STORE_ENV_VARS } from '../src/config/store-config';
import { migrations } from '../src/migrations/generated';
import { requiredEnv } from './helpers/store-fixtures';

/** The schema version the shipped migrations reach. */
const latest = migrations.at(-1)?.id ?? 0;

/** The built binary, as users run it (`npm test` builds first). */
const CLI = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('xcom CLI (built binary)', () => {
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

  test('--help lists the commands and every environment variable', async () => {
    const help = await runCli(['--help'], {});
    expect(help.status).toBe(0);
    for (const command of ['migrate', 'status', 'list', 'get', 'gc']) expect(help.stdout).toContain(`xcom ${command}`);
    for (const [name] of STORE_ENV_VARS) expect(help.stdout).toContain(name);
  });

  test('bad usage exits 2 and says what was wrong', async () => {
    expect(await runCli(['frobnicate'], serverEnv)).toMatchObject({ status: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
    expect(await runCli(['list', '--limit', 'lots'], serverEnv)).toMatchObject({ status: 2, stderr: expect.stringContaining("--limit must be an integer >= 1, got 'lots'") });
    expect(await runCli(['get', '--dag', 'd'], serverEnv)).toMatchObject({ status: 2, stderr: expect.stringContaining('needs --run, --task') });
  });

  test.each([
    ['Postgres server', () => serverEnv],
    ['embedded PGlite', () => embeddedEnv],
  ])('migrate, status, list and get against %s', async (_label, env) => {
    const before = await runCli(['list'], env());
    expect(before.status).toBe(1);
    expect(before.stderr).toMatch(/run 'xcom migrate'/);

    const migrated = await runCli(['migrate'], env());
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(new RegExp(`version 0 -> ${latest}[\\s\\S]*applied 000001_initial`));
    expect((await runCli(['migrate'], env())).stdout).toMatch(new RegExp(`up to date at version ${latest}`));

    const store = await openXComStore(storeConfigFromEnv(env()), { migrate: false });
    try {
      await store.commit([
        { dagId: dag, runId, taskId: 'extract', key: 'return_value', value: { rows: [1, 2, 3] }, attempt: 1 },
        { dagId: dag, runId, taskId: 'extract', key: 'a/slashed/key', value: 'x', attempt: 2 },
        { dagId: dag, runId, taskId: 'big', key: 'return_value', value: 'y'.repeat(100_000), attempt: 1 },
      ]);
    } finally {
      await store.close();
    }

    const status = await runCli(['status'], env());
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`schema +xcom at version ${latest} of ${latest}`));
    expect(status.stdout).toMatch(/entries +3 \(1 in the object store\)/);

    const list = await runCli(['list', '--dag', dag, '--task', 'extract'], env());
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^dag_id +run_id +task_id +map_index +key +attempt +size +stored/);
    expect(lines).toHaveLength(4);
    expect(list.stdout).toContain('a/slashed/key');

    const get = await runCli(['get', '--dag', dag, '--run', runId, '--task', 'extract'], env());
    expect(get.status).toBe(0);
    expect(get.stdout).toContain('{ rows: [ 1, 2, 3 ] }');

    const preview = await runCli(['get', '--dag', dag, '--run', runId, '--task', 'big', '--max-chars', '50'], env());
    expect(preview.stdout).toMatch(/more characters; --full shows everything/);
    expect(preview.stdout.length).toBeLessThan(1000);
    const full = await runCli(['get', '--dag', dag, '--run', runId, '--task', 'big', '--full'], env());
    expect(full.stdout.length).toBeGreaterThan(100_000);

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
  });
});
