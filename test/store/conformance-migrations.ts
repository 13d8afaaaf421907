import { XComMigrationError } from '../../src/errors';
import { migrations } from '../../src/migrations/generated';
import { migrate, schemaStatus } from '../../src/migrations/migrate';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import type { SqlEngine } from '../../src/engines/sql-engine';
import { requiredEnv } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';

const CONCURRENT_MIGRATORS = 20;

async function tablesIn(engine: SqlEngine, schema: string): Promise<string[]> {
  const rows = await engine.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 order by table_name`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

export function describeMigrationConformance(ctx: () => ConformanceContext): void {
  describe('migrations', () => {
    test('a second migrate is a no-op, and status reports the version', async () => {
      const { engine } = ctx();
      expect(await migrate(engine)).toEqual({ fromVersion: migrations.length, toVersion: migrations.length, applied: [] });
      expect(await schemaStatus(engine)).toEqual({
        schema: 'xcom',
        version: migrations.length,
        latest: migrations.length,
        pending: [],
      });
    });

    test(`${CONCURRENT_MIGRATORS} concurrent migrators leave one correct schema`, async () => {
      const { engine, engineKind } = ctx();
      const schema = `xcom_race_${Date.now() % 100000}`;
      // On a server every migrator has its own connection; PGlite serializes them on its one connection.
      const engines =
        engineKind === 'postgres'
          ? Array.from({ length: CONCURRENT_MIGRATORS }, () =>
              createPostgresEngine({ connectionString: currentDatabaseUrl(engine), max: 1 }),
            )
          : Array.from({ length: CONCURRENT_MIGRATORS }, () => engine);
      try {
        const results = await Promise.all(engines.map((e) => migrate(e, { schema })));
        expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
        expect(results.every((r) => r.toVersion === migrations.length)).toBe(true);
      } finally {
        if (engineKind === 'postgres') await Promise.all(engines.map((e) => e.close()));
      }
      const applied = await engine.query<{ id: number }>(`select id from ${schema}.migrations order by id`);
      expect(applied.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
      expect(await tablesIn(engine, schema)).toEqual([
        'collected_objects',
        'dag_runs',
        'entries',
        'ledger',
        'migrations',
        'objects',
        'outbox',
        'subscriptions',
        'task_instances',
      ]);
    });

    test('refuses a database with a newer breaking migration; tolerates a newer compatible one', async () => {
      const { engine } = ctx();
      const schema = `xcom_newer_${Date.now() % 100000}`;
      await migrate(engine, { schema });
      await engine.query(`insert into ${schema}.migrations (id, name, breaking) values (900, 'future_compatible', false)`);
      expect((await migrate(engine, { schema })).applied).toEqual([]);
      await engine.query(`insert into ${schema}.migrations (id, name, breaking) values (901, 'future_breaking', true)`);
      const refused = migrate(engine, { schema });
      await expect(refused).rejects.toThrow(XComMigrationError);
      await expect(refused).rejects.toThrow(/breaking migration 901 \(future_breaking\), newer than this version/);
    });

    test('a custom schema name works; an unsafe one is refused', async () => {
      const { engine } = ctx();
      await expect(migrate(engine, { schema: 'x"; drop' })).rejects.toThrow(/not a valid schema name/);
      const schema = `Custom_${Date.now() % 100000}`;
      await migrate(engine, { schema });
      expect(await tablesIn(engine, schema)).toContain('entries');
    });
  });
}

/** The test database's URL: the engine's description has the database name (and no password, trust auth). */
function currentDatabaseUrl(engine: SqlEngine): string {
  const admin = new URL(requiredEnv('DATABASE_URL'));
  admin.pathname = new URL(engine.description).pathname;
  return admin.toString();
}
