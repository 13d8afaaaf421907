import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openXComStore } from '../../src/config/open-store';
import { storeConfigFromEnv } from '../../src/config/store-config';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { hasPseudoTerminal, runCli, runInTerminal } from './cli-runner';

/** Runs of `dagId` with logical dates 2024-01-01, -02, …: each with an extract task and three mapped transforms. */
async function seedRuns(env: Record<string, string>, dagId: string, count: number): Promise<void> {
  const store = await openXComStore(storeConfigFromEnv(env), { migrate: false });
  try {
    for (let i = 1; i <= count; i++) {
      const run = { dagId, runId: `run_${i}`, logicalDate: new Date(Date.UTC(2024, 0, i)), attempt: 1, fence: 1 };
      await store.commitAttempt({ ...run, taskId: 'extract', mapIndex: -1, values: new Map([['return_value', { i }]]) });
      for (let m = 0; m < 3; m++) {
        await store.commitAttempt({ ...run, taskId: 'transform', mapIndex: m, values: new Map([['return_value', m]]) });
      }
    }
  } finally {
    await store.close();
  }
}

describe('xcom purge, keep-latest, clear and trim-ledger (built binary)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;

  const runsOf = async (dag: string) =>
    (JSON.parse((await runCli(['runs', '--dag', dag, '--json'], env)).stdout) as { runId: string }[]).map((r) => r.runId);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'xcom-cli-retention-'));
    env = { DATABASE_URL: db.url, XCOM_DATA_DIR: dataDir };
    await seedRuns(env, 'etl', 5);
    await seedRuns(env, 'other', 2);
    await seedRuns(env, 'tty', 3);
  });

  afterAll(async () => {
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('without a terminal they refuse unless --yes; --dry-run counts and removes nothing', async () => {
    for (const args of [
      ['purge', '--older-than', '2024-01-04', '--dag', 'etl'],
      ['keep-latest', '--dag', 'etl', '--runs', '2'],
      ['clear', '--dag', 'etl'],
      ['trim-ledger', '--older-than', '0'],
    ]) {
      const refused = await runCli(args, env);
      expect({ args, status: refused.status }).toEqual({ args, status: 2 });
      expect(refused.stderr).toContain(`xcom ${args[0]} removes data and asks first, but there is no terminal to ask on: pass --yes`);
    }
    const dry = await runCli(['purge', '--older-than', '2024-01-04', '--dag', 'etl', '--dry-run', '--json'], env);
    expect(dry.status).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, runs: 3, entries: 12, bytes: expect.any(Number), ledger: 12, kept: 0 });
    const dryText = await runCli(['keep-latest', '--dag', 'etl', '--runs', '1', '--dry-run'], env);
    expect(dryText.stdout).toMatch(/^would remove 4 runs, 16 entries \(\d+ B\) and 16 ledger rows$/m);
    expect(await runsOf('etl')).toEqual(['run_5', 'run_4', 'run_3', 'run_2', 'run_1']);
  }, 300_000);

  test('with --yes they remove, print a summary, and fail with a non-zero status', async () => {
    const purged = await runCli(['purge', '--older-than', '2024-01-02', '--dag', 'etl', '--yes', '--json'], env);
    expect(purged.status).toBe(0);
    expect(JSON.parse(purged.stdout)).toMatchObject({ dryRun: false, runs: 1, entries: 4, ledger: 4, kept: 0 });
    expect(await runsOf('etl')).toEqual(['run_5', 'run_4', 'run_3', 'run_2']);

    const kept = await runCli(['keep-latest', '--dag', 'etl', '--runs', '2', '--yes'], env);
    expect(kept.status).toBe(0);
    expect(kept.stdout).toMatch(/^removed 2 runs, 8 entries \(\d+ B\) and 8 ledger rows$/m);
    expect(kept.stdout).toContain('collected by the object sweeper');
    expect(await runsOf('etl')).toEqual(['run_5', 'run_4']);

    const instance = await runCli(['clear', '--dag', 'etl', '--run', 'run_5', '--task', 'transform', '--map-index', '1', '-y', '--json'], env);
    expect(JSON.parse(instance.stdout)).toMatchObject({ runs: 0, entries: 1 });
    const task = await runCli(['clear', '--dag', 'etl', '--run', 'run_5', '--task', 'transform', '--yes'], env);
    expect(task.stdout).toMatch(/^removed 2 entries/m);
    const entries = JSON.parse((await runCli(['list', '--dag', 'etl', '--run', 'run_5', '--json'], env)).stdout) as { taskId: string }[];
    expect(entries.map((e) => e.taskId)).toEqual(['extract']);

    const run = await runCli(['clear', '--dag', 'etl', '--run', 'run_4', '--yes', '--json'], env);
    expect(JSON.parse(run.stdout)).toMatchObject({ runs: 1, entries: 4 });
    const dag = await runCli(['clear', '--dag', 'other', '--yes', '--json'], env);
    expect(JSON.parse(dag.stdout)).toMatchObject({ runs: 2, entries: 8 });
    expect(await runsOf('other')).toEqual([]);

    const trimmed = await runCli(['trim-ledger', '--older-than', '0', '--yes', '--json'], env);
    expect(JSON.parse(trimmed.stdout)).toMatchObject({ dryRun: false, ledger: expect.any(Number) });
    expect(JSON.parse(trimmed.stdout).ledger).toBeGreaterThan(0);
    expect(JSON.parse((await runCli(['ledger', '--dag', 'etl', '--run', 'run_5', '--json'], env)).stdout)).toEqual([]);

    const broken = await runCli(['purge', '--older-than', '7d', '--yes', '--schema', 'no_such_schema'], env);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^xcom: .*no_such_schema/m);
  }, 300_000);

  (hasPseudoTerminal ? test : test.skip)('on a terminal they ask first, and show progress', async () => {
    const declined = await runInTerminal(['keep-latest', '--dag', 'tty', '--runs', '1'], env, 'n\n');
    expect(declined.status).toBe(1);
    // (the ledger was trimmed above: runs and entries only)
    expect(declined.stdout).toContain('would remove 2 runs and 8 entries');
    expect(declined.stdout).toContain('Remove all but the newest 1 runs of DAG tty? [y/N]');
    expect(declined.stdout).toContain('xcom: declined; nothing was removed');
    expect(await runsOf('tty')).toEqual(['run_3', 'run_2', 'run_1']);

    const accepted = await runInTerminal(['keep-latest', '--dag', 'tty', '--runs', '1'], env, 'y\n');
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain('[y/N]');
    expect(accepted.stdout).toMatch(/keep-latest +\[#+\] 100% +2\/2 runs +8 entries/);
    expect(accepted.stdout).toMatch(/removed 2 runs and 8 entries/);
    expect(await runsOf('tty')).toEqual(['run_3']);

    const unasked = await runInTerminal(['clear', '--dag', 'tty', '--yes'], env, '');
    expect(unasked.status).toBe(0);
    expect(unasked.stdout).not.toContain('[y/N]');
    expect(unasked.stdout).toMatch(/removed 1 run and 4 entries/);
  }, 300_000);
});
