import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDatabase, databaseUrl, dropDatabase } from '../../services/postgres';
import { startServices } from '../../services/start-services';
import { migrateTemplate } from '../helpers/migrate-template';
import { TEST_SERVICES_KEY, type TestServicesHandle } from './test-services-handle';

/**
 * Runs once in jest's parent process, before any worker exists: starts (or reuses) Temporal, MinIO and Postgres and
 * builds a migrated template database that each test file clones. Workers inherit the env set here.
 */
export default async function globalSetup(): Promise<void> {
  const services = await startServices();
  Object.assign(process.env, services.env);

  const adminUrl = services.env.DATABASE_URL as string;
  const template = `xcom_tpl_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await createDatabase(adminUrl, template);
    await migrateTemplate(databaseUrl(adminUrl, template));
  } catch (error) {
    await dropDatabase(adminUrl, template).catch(() => undefined);
    await services.stop().catch(() => undefined);
    const reason = (error as Error).message;
    throw new Error(`globalSetup: cannot build template database ${template}: ${reason}`, { cause: error });
  }
  process.env.XCOM_TEST_TEMPLATE_DB = template;
  // The DAG ids the fixtures write and read besides their own (tests of the policy itself pass their own).
  process.env.XCOM_ACCESS_POLICY = join(__dirname, '../fixtures/access-policy.json');

  const handle: TestServicesHandle = { services, adminUrl, template };
  (globalThis as Record<string, unknown>)[TEST_SERVICES_KEY] = handle;
  process.stderr.write(`\n[temporal-xcom] test services: ${services.summary.join('; ')}; template db ${template}\n`);
}
