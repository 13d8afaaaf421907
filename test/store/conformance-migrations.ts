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
        'audit',
        'collected_objects',
        'dag_runs',
        'digest_keys',
        'entries',
        'ledger',
        'migrations',
        'objects',
        'outbox',
        'run_owners',
        'signing_keys',
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

    test('an upgrade dates the entries already stored, online, and builds the latest-by-date index', async () => {
      const { engine } = ctx();
      const schema = `xcom_upgrade_${Date.now() % 100000}`;
      const before = migrations.findIndex((m) => m.name === 'latest_by_date');
      await migrate(engine, { schema, migrations: migrations.slice(0, before) });
      await engine.exec(
        `insert into ${schema}.dag_runs (dag_id, run_id, logical_date)
           select 'd', 'r' || i, case when i % 2 = 0 then timestamptz '2024-01-01' + i * interval '1 hour' end
             from generate_series(1, 450) i;
         insert into ${schema}.entries (dag_id, run_id, task_id, map_index, key, attempt, fence, size_bytes,
             stored_bytes, digest, encoding, inline_value)
           select 'd', 'r' || i, 't' || t, -1, 'k', 1, 1, 1, 1, 'x', 'json', '\\x31'
             from generate_series(1, 450) i, generate_series(1, 3) t;`,
      );
      await migrate(engine, { schema });
      const [dated] = await engine.query<{ undated: number; wrong: number }>(
        `select count(*) filter (where e.run_date is null)::int as undated,
                count(*) filter (where e.run_date <> coalesce(r.logical_date, r.created_at))::int as wrong
           from ${schema}.entries e join ${schema}.dag_runs r using (dag_id, run_id)`,
      );
      expect(dated).toEqual({ undated: 0, wrong: 0 });
      const indexes = await engine.query<{ name: string; valid: boolean }>(
        `select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
          join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relname in ('entries_latest', 'entries_by_task')`,
        [schema],
      );
      expect(indexes).toEqual([{ name: 'entries_latest', valid: true }]);
      const [online] = await engine.query<{ finished: boolean }>(
        `select online_finished_at is not null as finished from ${schema}.migrations where name = 'latest_by_date'`,
      );
      expect(online?.finished).toBe(true);

      // A writer that does not know the column (code older than the migration): the row is dated at COMMIT.
      await engine.exec(
        `insert into ${schema}.dag_runs (dag_id, run_id) values ('d', 'old_writer');
         insert into ${schema}.entries (dag_id, run_id, task_id, map_index, key, attempt, fence, size_bytes,
             stored_bytes, digest, encoding, inline_value)
           values ('d', 'old_writer', 't', -1, 'k', 1, 1, 1, 1, 'x', 'json', '\\x31');`,
      );
      const runDate = () =>
        engine.query<{ same: boolean }>(
          `select e.run_date = coalesce(r.logical_date, r.created_at) as same
             from ${schema}.entries e join ${schema}.dag_runs r using (dag_id, run_id) where run_id = 'old_writer'`,
        );
      expect(await runDate()).toEqual([{ same: true }]);
      await engine.exec(`update ${schema}.dag_runs set logical_date = '2020-01-01' where run_id = 'old_writer'`);
      expect(await runDate()).toEqual([{ same: true }]);
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
