import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openXComStore } from '../../src/config/open-store';
import { storeConfigFromEnv } from '../../src/config/store-config';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { runCli } from './cli-runner';

// Values under sensitive names (Airflow's list, plus XCOM_SENSITIVE_NAMES) never reach CLI output in any format,
// while tasks and --no-mask see them whole.
const SECRETS = ['hunter2-pw', 'sk-live-token-7', 'whole-value-secret', 'pin-0042'];

describe('masking in the CLI (built binary)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  const at = ['--dag', 'masked', '--run', 'r1', '--task', 'creds'];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'xcom-cli-masking-'));
    env = { DATABASE_URL: db.url, XCOM_DATA_DIR: dataDir, XCOM_SENSITIVE_NAMES: 'pin' };
    const store = await openXComStore(storeConfigFromEnv(env), { migrate: false });
    try {
      const values = new Map<string, unknown>([
        ['return_value', { user: 'ada', db: { password: SECRETS[0], host: 'db1' }, sessions: [{ access_token: SECRETS[1] }], pin: SECRETS[3] }],
        ['api_secret', SECRETS[2]],
      ]);
      await store.commitAttempt({ dagId: 'masked', runId: 'r1', taskId: 'creds', mapIndex: -1, attempt: 1, fence: 1, values });
    } finally {
      await store.close();
    }
  });

  afterAll(async () => {
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

  test.each([['table'], ['json'], ['yaml'], ['ndjson']])('get and list in %s show *** where the secrets were', async (format) => {
    for (const args of [['get', ...at], ['get', ...at, '--key', 'api_secret'], ['list', '--dag', 'masked']]) {
      const run = await runCli([...args, '--output', format], env);
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: expect.any(String) });
      expect({ args, leaked: leaks(run.stdout + run.stderr) }).toEqual({ args, leaked: [] });
      expect(run.stdout).toContain('***');
    }
  });

  test('the rest of the value stays visible, and --no-mask shows everything', async () => {
    const masked = JSON.parse((await runCli(['get', ...at, '--json'], env)).stdout) as { value: unknown };
    expect(masked.value).toEqual({ user: 'ada', db: { password: '***', host: 'db1' }, sessions: [{ access_token: '***' }], pin: '***' });
    const whole = JSON.parse((await runCli(['get', ...at, '--json', '--no-mask'], env)).stdout) as { value: unknown };
    expect(whole.value).toMatchObject({ db: { password: SECRETS[0] }, pin: SECRETS[3] });
  });
});
