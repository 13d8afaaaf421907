import { cliStoreEnv } from './cli-store-env';
import { runCli } from './cli-runner';

// Values under sensitive names (Airflow's list, plus XCOM_SENSITIVE_NAMES) never reach CLI output in any format,
// while tasks and --no-mask see them whole.
const SECRETS = ['hunter2-pw', 'sk-live-token-7', 'whole-value-secret', 'pin-0042'];

describe('masking in the CLI (built binary)', () => {
  const at = ['--dag', 'masked', '--run', 'r1', '--task', 'creds'];
  const fixture = cliStoreEnv(
    'masking',
    async (store) => {
      const values = new Map<string, unknown>([
        ['return_value', { user: 'ada', db: { password: SECRETS[0], host: 'db1' }, sessions: [{ access_token: SECRETS[1] }], pin: SECRETS[3] }],
        ['api_secret', SECRETS[2]],
      ]);
      await store.commitAttempt({ dagId: 'masked', runId: 'r1', taskId: 'creds', mapIndex: -1, attempt: 1, fence: 1, values });
    },
    { env: { XCOM_SENSITIVE_NAMES: 'pin' } },
  );

  const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

  test.each([['table'], ['json'], ['yaml'], ['ndjson']])('get and list in %s show *** where the secrets were', async (format) => {
    for (const args of [['get', ...at], ['get', ...at, '--key', 'api_secret'], ['list', '--dag', 'masked']]) {
      const run = await runCli([...args, '--output', format], fixture.env);
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: expect.any(String) });
      expect({ args, leaked: leaks(run.stdout + run.stderr) }).toEqual({ args, leaked: [] });
      expect(run.stdout).toContain('***');
    }
  });

  test('the rest of the value stays visible, and --no-mask shows everything', async () => {
    const masked = JSON.parse((await runCli(['get', ...at, '--json'], fixture.env)).stdout) as { value: unknown };
    expect(masked.value).toEqual({ user: 'ada', db: { password: '***', host: 'db1' }, sessions: [{ access_token: '***' }], pin: '***' });
    const whole = JSON.parse((await runCli(['get', ...at, '--json', '--no-mask'], fixture.env)).stdout) as { value: unknown };
    expect(whole.value).toMatchObject({ db: { password: SECRETS[0] }, pin: SECRETS[3] });
  });
});
