import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { requiredEnv } from '../helpers/store-fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { runCli } from './cli-runner';

describe('xcom status against S3 and a large store (built binary)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let s3Env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'xcom-cli-status-'));
    s3Env = {
      DATABASE_URL: db.url,
      XCOM_DATA_DIR: dataDir,
      S3_ENDPOINT: requiredEnv('S3_ENDPOINT'),
      S3_BUCKET: requiredEnv('S3_BUCKET'),
      S3_ACCESS_KEY_ID: requiredEnv('S3_ACCESS_KEY_ID'),
      S3_SECRET_ACCESS_KEY: requiredEnv('S3_SECRET_ACCESS_KEY'),
      S3_PREFIX: `cli-status-${randomBytes(4).toString('hex')}`,
    };
  });

  afterAll(async () => {
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a reachable bucket: exit 0, and no AWS SDK warning about Node versions', async () => {
    const status = await runCli(['status'], s3Env);
    expect(status).toMatchObject({ status: 0, stderr: '' });
    expect(status.stdout).toMatch(/object store +s3:\/\/.* reachable/);
  });

  test('rows in a server with objects in a local directory: status says so (a configuration warning, exit 0)', async () => {
    const local = await runCli(['status'], { DATABASE_URL: db.url, XCOM_DATA_DIR: dataDir });
    expect(local.status).toBe(0);
    expect(local.stdout).toMatch(/^warning +rows are in a Postgres server but large values go to a local directory .*S3_BUCKET/m);
    const json = JSON.parse((await runCli(['status', '--json'], { DATABASE_URL: db.url, XCOM_DATA_DIR: dataDir })).stdout);
    expect(json.warning).toMatch(/local directory/);
    expect((await runCli(['status'], s3Env)).stdout).not.toMatch(/^warning/m);
  });

  test('a missing bucket or wrong credentials: the status is printed, and the exit status is 1', async () => {
    const missing = await runCli(['status'], { ...s3Env, S3_BUCKET: `missing-${randomBytes(4).toString('hex')}` });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(/object store +s3:\/\/missing-.*: NOT USABLE: .*NoSuchBucket/);
    expect(missing.stdout).toMatch(/schema +xcom at version/);
    expect(missing.stderr).toMatch(/^xcom: the object store s3:\/\/missing-\S+ .* is not usable: .*bucket does not exist/m);
    expect(missing.stderr).not.toContain('NodeVersionSupportWarning');

    const denied = await runCli(['status', '--json'], { ...s3Env, S3_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(denied.status).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ objectStoreCheck: { ok: false, error: expect.stringMatching(/SignatureDoesNotMatch|InvalidAccessKeyId|403/) } });
  });

  test('counts above the threshold are estimates; --exact counts every row', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        `insert into xcom.dag_runs (dag_id, run_id) select 'bulk', 'run_' || i from generate_series(1, 100005) i`,
      );
      await client.query('analyze xcom.dag_runs');
    } finally {
      await client.end();
    }
    const estimated = await runCli(['status', '--json'], s3Env);
    expect(estimated.status).toBe(0);
    const counts = JSON.parse(estimated.stdout) as { runs: number; entries: number; estimated: string[] };
    expect(counts.estimated).toEqual(['runs']);
    expect(counts.runs).toBeGreaterThan(100_000);
    expect((await runCli(['status'], s3Env)).stdout).toMatch(/^dag runs +~[\d,]+$/m);

    const exact = JSON.parse((await runCli(['status', '--exact', '--json'], s3Env)).stdout);
    expect(exact).toMatchObject({ runs: 100_005, entries: 0, estimated: [] });
  }, 300_000);
});
