// The chaos harness (chaos/, `npm run chaos`), bounded: three runs with a fixed seed and two worker processes, on the
// services globalSetup started. Workers are SIGKILLed from outside and at kill points inside attempts, zombies commit
// late, and after each run every invariant must hold. RELIABILITY.md has the 100-run table.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteS3Prefix } from '../bench/lib/service-env';
import { runChaos } from '../chaos/harness';
import { chaosTable, totalsOf, violationCount } from '../chaos/report';
import { requiredEnv } from './helpers/store-fixtures';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

// Chosen because its plans hold at least one late zombie (mode `after`) and one self-kill at attempt 1 in each run,
// and a harness kill in two of them; which attempt each kill reaches is up to timing.
const SEED = 212;

let database: TestDatabase;
let logDir: string;
const s3 = {
  endpoint: requiredEnv('S3_ENDPOINT'),
  accessKeyId: requiredEnv('S3_ACCESS_KEY_ID'),
  secretAccessKey: requiredEnv('S3_SECRET_ACCESS_KEY'),
  bucket: requiredEnv('S3_BUCKET'),
  region: process.env.S3_REGION ?? 'us-east-1',
};
const prefix = `chaos-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  logDir = await mkdtemp(path.join(tmpdir(), 'xcom-chaos-test-'));
});

afterAll(async () => {
  await database?.drop();
  await deleteS3Prefix(s3, `${prefix}/`);
});

test('three chaos runs: nothing lost, duplicated, torn, stale or wrong, no missing object, no orphan', async () => {
  const reports = await runChaos({
    runs: 3,
    workers: 2,
    seed: SEED,
    rates: { kill: 0.1, zombie: 0.2, maxHarnessKills: 1 },
    temporalAddress: requiredEnv('TEMPORAL_ADDRESS'),
    settings: { databaseUrl: database.url, s3, prefix },
    sweep: { intervalMs: 4000, graceMs: 3000 },
    logDir,
  });
  const totals = totalsOf(reports);
  if (violationCount(totals) > 0) {
    console.error(`${chaosTable(reports)}\n${reports.flatMap((r) => r.details).join('\n')}\nworker logs: ${logDir}`);
  }

  expect(totals.violations).toEqual({
    lost: 0,
    duplicated: 0,
    torn: 0,
    stale: 0,
    wrong: 0,
    missingObjects: 0,
    orphans: 0,
    incomplete: 0,
  });
  // The chaos happened: workers died, and a zombie's commit arrived after its retry's.
  expect(totals.harnessKills + totals.selfKills).toBeGreaterThan(0);
  expect(totals.lateCommits).toBeGreaterThan(0);
  await rm(logDir, { recursive: true, force: true });
}, 300_000);
