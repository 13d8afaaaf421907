import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openXComStore } from '../../src/config/open-store';
import { storeConfigFromEnv } from '../../src/config/store-config';
import type { XComStore } from '../../src/store/xcom-store';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

export interface CliStoreEnvOptions {
  /** Settings beside DATABASE_URL and XCOM_DATA_DIR, for the CLI and the seeding store. */
  readonly env?: Record<string, string>;
  /** Settings for the seeding store only (an encryption key the CLI is then given another way, say). */
  readonly seedEnv?: Record<string, string>;
}

/**
 * For the CLI tests of one describe block: a fresh database and data directory (made in `beforeAll`, removed in
 * `afterAll`), seeded by `seed` through a store opened on them, and the environment `runCli` gets for them.
 */
export function cliStoreEnv(name: string, seed: (store: XComStore) => Promise<void>, options: CliStoreEnvOptions = {}): { env: Record<string, string> } {
  const fixture = { env: {} as Record<string, string> };
  let db: TestDatabase | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), `xcom-cli-${name}-`));
    fixture.env = { DATABASE_URL: db.url, XCOM_DATA_DIR: dataDir, ...options.env };
    const store = await openXComStore(storeConfigFromEnv({ ...fixture.env, ...options.seedEnv }), { migrate: false });
    try {
      await seed(store);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return fixture;
}
