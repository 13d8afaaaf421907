import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';

/** SQLSTATE 55006: "source database ... is being accessed by other users" (a session on the template lingers). */
const OBJECT_IN_USE = '55006';
const CLONE_ATTEMPTS = 8;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, ending any session a test left open. */
  drop(): Promise<void>;
}

/**
 * A private, already-migrated database for one test file: a clone of the template built by globalSetup.
 * Create it in beforeAll and drop it in afterAll.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  const template = process.env.XCOM_TEST_TEMPLATE_DB;
  if (!adminUrl || !template) {
    throw new Error(
      'createTestDatabase: DATABASE_URL and XCOM_TEST_TEMPLATE_DB are unset (globalSetup sets them; run through jest)',
    );
  }
  const name = `xcom_t_${randomBytes(6).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await createDatabase(adminUrl, name, { template });
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= CLONE_ATTEMPTS) {
        const reason = (error as Error).message;
        throw new Error(`createTestDatabase: cannot clone ${template} into ${name}: ${reason}`, { cause: error });
      }
      await sleep(100 * attempt);
    }
  }
  return { name, url: databaseUrl(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}
