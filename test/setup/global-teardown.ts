import { dropDatabase } from '../../services/postgres';
import { TEST_SERVICES_KEY, type TestServicesHandle } from './test-services-handle';

/** Drops the template database and stops the services globalSetup started (reused ones are left running). */
export default async function globalTeardown(): Promise<void> {
  const store = globalThis as Record<string, unknown>;
  const handle = store[TEST_SERVICES_KEY] as TestServicesHandle | undefined;
  if (handle === undefined) return;
  delete store[TEST_SERVICES_KEY];
  try {
    await dropDatabase(handle.adminUrl, handle.template);
  } finally {
    await handle.services.stop();
  }
}
