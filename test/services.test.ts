import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { s3ClientFor } from '../services/s3-bucket';
import { createTestDatabase } from './helpers/test-database';

/** The services globalSetup provides, checked with real round trips. */

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; globalSetup should have set it`);
  return value;
}

describe('test services', () => {
  it('exports every connection setting to the test workers', () => {
    for (const name of [
      'TEMPORAL_ADDRESS',
      'S3_ENDPOINT',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'S3_BUCKET',
      'S3_REGION',
      'DATABASE_URL',
      'XCOM_TEST_TEMPLATE_DB',
    ]) {
      expect(process.env[name]).toBeTruthy();
    }
    expect(process.env.S3_FORCE_PATH_STYLE).toBe('true');
  });

  it('Temporal answers gRPC calls', async () => {
    const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.capabilities).toBeDefined();
      const namespace = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespace.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  describe('S3', () => {
    let s3: S3Client;
    beforeAll(() => {
      s3 = s3ClientFor({
        endpoint: env('S3_ENDPOINT'),
        accessKeyId: env('S3_ACCESS_KEY_ID'),
        secretAccessKey: env('S3_SECRET_ACCESS_KEY'),
        bucket: env('S3_BUCKET'),
        region: env('S3_REGION'),
      });
    });
    afterAll(() => s3.destroy());

    it('has the bucket', async () => {
      const head = await s3.send(new HeadBucketCommand({ Bucket: env('S3_BUCKET') }));
      expect(head.$metadata.httpStatusCode).toBe(200);
    });

    it('round-trips an object', async () => {
      const key = `services-test/${randomBytes(8).toString('hex')}`;
      const body = randomBytes(64 * 1024);
      await s3.send(new PutObjectCommand({ Bucket: env('S3_BUCKET'), Key: key, Body: body }));
      const got = await s3.send(new GetObjectCommand({ Bucket: env('S3_BUCKET'), Key: key }));
      if (got.Body === undefined) throw new Error(`GetObject ${key} returned no body`);
      const bytes = Buffer.from(await got.Body.transformToByteArray());
      expect(bytes.equals(body)).toBe(true);
    });
  });

  it('clones, connects to and drops a per-file test database', async () => {
    const database = await createTestDatabase();
    expect(database.name).toMatch(/^xcom_t_[0-9a-f]+$/);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
      expect(rows[0]?.name).toBe(database.name);
    } finally {
      await client.end();
    }

    await database.drop();
    const admin = new Client({ connectionString: env('DATABASE_URL') });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
