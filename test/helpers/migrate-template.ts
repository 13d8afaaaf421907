import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { migrate } from '../../src/migrations/migrate';

/** Applies the real migrations to the template database every test file clones. */
export async function migrateTemplate(connectionString: string): Promise<void> {
  const engine = createPostgresEngine({ connectionString, max: 1 });
  try {
    await migrate(engine);
  } finally {
    await engine.close();
  }
}
