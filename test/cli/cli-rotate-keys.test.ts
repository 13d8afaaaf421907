import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runCli } from './cli-runner';
import { cliStoreEnv } from './cli-store-env';

// `xcom rotate-keys` as users run it (built binary): every value sealed again under the new key, after which the old
// key can be removed and everything still reads; the command's output never holds a value, masked or not.
const SECRET = 'rotate-cli-hunter2';
const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const k1 = key('k1');
const k2 = key('k2');

describe('xcom rotate-keys (built binary)', () => {
  const at = ['--dag', 'rotated', '--run', 'r1', '--task', 'creds'];
  const value = { user: 'ada', password: SECRET, rows: Array.from({ length: 3000 }, (_, i) => `row ${i}`) };

  // A low inline threshold: the large value goes to the object store even gzipped.
  const fixture = cliStoreEnv('rotate', async (store) => {
    const values = new Map<string, unknown>([
      ['return_value', value],
      ['api_secret', SECRET],
    ]);
    await store.commitAttempt({ dagId: 'rotated', runId: 'r1', taskId: 'creds', mapIndex: -1, attempt: 1, fence: 1, values });
  }, { env: { XCOM_INLINE_THRESHOLD_BYTES: '1024' }, seedEnv: { XCOM_ENCRYPTION_KEYS: k1 } });

  test('reseals every value (inline and object) under the new key; with the old key removed, everything reads', async () => {
    const rotated = await runCli(['rotate-keys', '--batch-size', '1', '--json'], { ...fixture.env, XCOM_ENCRYPTION_KEYS: `${k2},${k1}` });
    expect({ status: rotated.status, stderr: rotated.stderr }).toEqual({ status: 0, stderr: expect.stringContaining("resealed under 'k2'") });
    expect(JSON.parse(rotated.stdout)).toMatchObject({ keyId: 'k2', digestKeyWrappedBefore: 'k1', rotated: 2, inline: 1, objects: 1, remaining: 0 });
    expect(rotated.stdout + rotated.stderr).not.toContain(SECRET);

    const sql = new Client({ connectionString: fixture.env.DATABASE_URL });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ key: string; encoding: string; object_key: string | null }>(
        "select key, encoding, object_key from xcom.entries where dag_id = 'rotated' order by key",
      );
      expect(rows.map((r) => [r.key, r.encoding, r.object_key !== null])).toEqual([
        ['api_secret', 'json+aes256gcm.k2+digest.store', false],
        ['return_value', 'json+gzip+aes256gcm.k2+digest.store', true],
      ]);
    } finally {
      await sql.end();
    }

    // Only the new key: reads work (masked by default, whole with --no-mask).
    const onlyNew = { ...fixture.env, XCOM_ENCRYPTION_KEYS: k2 };
    const masked = await runCli(['get', ...at, '--json'], onlyNew);
    expect({ status: masked.status, stderr: masked.stderr }).toEqual({ status: 0, stderr: '' });
    expect(masked.stdout).not.toContain(SECRET);
    expect((JSON.parse(masked.stdout) as { value: unknown }).value).toEqual({ ...value, password: '***' });
    const whole = await runCli(['get', ...at, '--key', 'api_secret', '--json', '--no-mask'], onlyNew);
    expect((JSON.parse(whole.stdout) as { value: unknown }).value).toBe(SECRET);

    // Run again: nothing left to do.
    const again = await runCli(['rotate-keys', '--json'], onlyNew);
    expect(JSON.parse(again.stdout)).toMatchObject({ keyId: 'k2', digestKeyWrappedBefore: 'k2', rotated: 0, remaining: 0 });
  });

  test('without encryption keys it says what to set', async () => {
    const run = await runCli(['rotate-keys'], fixture.env);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('rotate-keys needs XCOM_ENCRYPTION_KEYS');
  });
});
