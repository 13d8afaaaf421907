import type { SqlEngine, SqlExecutor } from '../engines/sql-engine';
import { XComMigrationError } from '../errors';
import { migrations as knownMigrations } from './generated';
import type { Migration } from './migration';
import { DEFAULT_SCHEMA, quoteSchema } from './schema-name';

export interface MigrateOptions {
  /** @default 'xcom' */
  schema?: string;
  /** How long to wait for another migrator's lock before failing. @default 60_000 */
  lockTimeoutMs?: number;
  /** For tests: the migrations to apply instead of the ones shipped. */
  migrations?: readonly Migration[];
}

export interface MigrationResult {
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly applied: readonly string[];
}

/**
 * Brings the schema up to date. All pending migrations run in one transaction under an advisory lock keyed by the
 * schema, so any number of concurrent migrators leave one correct schema. Refuses to touch a database that already
 * has a breaking migration newer than this code.
 */
export async function migrate(engine: SqlEngine, options: MigrateOptions = {}): Promise<MigrationResult> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const migrations = options.migrations ?? knownMigrations;
  const result = await migrateInTransaction(engine, schema, migrations, options);
  await runOnlineParts(engine, schema, migrations);
  return result;
}

async function migrateInTransaction(
  engine: SqlEngine,
  schema: string,
  migrations: readonly Migration[],
  options: MigrateOptions,
): Promise<MigrationResult> {
  const quoted = quoteSchema(schema);
  return engine.transaction(async (tx) => {
    await tx.query(`select set_config('lock_timeout', $1, true)`, [`${options.lockTimeoutMs ?? 60_000}ms`]);
    await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [`temporal-xcom:migrate:${schema}`]);
    await tx.exec(
      `create schema if not exists ${quoted};
       create table if not exists ${quoted}.migrations (
         id integer primary key, name text not null, breaking boolean not null,
         applied_at timestamptz not null default now());
       alter table ${quoted}.migrations add column if not exists online_finished_at timestamptz;`,
    );
    const applied = await appliedMigrations(tx, quoted);
    const fromVersion = applied.at(-1)?.id ?? 0;
    const latestKnown = migrations.at(-1)?.id ?? 0;
    const unknownBreaking = applied.find((m) => m.id > latestKnown && m.breaking);
    if (unknownBreaking) {
      throw new XComMigrationError(
        `schema '${schema}' has breaking migration ${unknownBreaking.id} (${unknownBreaking.name}), newer than this ` +
          `version of temporal-xcom knows (latest ${latestKnown}); upgrade temporal-xcom before using this database`,
      );
    }
    const pending = migrations.filter((m) => m.id > fromVersion);
    for (const migration of pending) {
      try {
        await tx.exec(migration.sql.replaceAll(':XCOM_SCHEMA', quoted));
      } catch (err) {
        throw new XComMigrationError(
          `migration ${migration.id} (${migration.name}) failed in schema '${schema}': ${(err as Error).message}`,
          { cause: err },
        );
      }
      await tx.query(`insert into ${quoted}.migrations (id, name, breaking) values ($1, $2, $3)`, [
        migration.id,
        migration.name,
        migration.breaking,
      ]);
    }
    return { fromVersion, toVersion: Math.max(fromVersion, pending.at(-1)?.id ?? 0), applied: pending.map(label) };
  });
}

/**
 * The online parts (Migration.online) of applied migrations that have not finished one, in order, by one migrator at a
 * time: the others wait until it is done, so no process uses the schema before it is complete. The lock is a session
 * lock polled with pg_try_advisory_lock: a migrator blocked inside a statement would keep a snapshot open, and
 * `create index concurrently` waits for every older snapshot, the holder's own waiters included.
 */
async function runOnlineParts(engine: SqlEngine, schema: string, migrations: readonly Migration[]): Promise<void> {
  const withOnline = migrations.filter((m) => m.online && m.online.length > 0);
  if (withOnline.length === 0) return;
  const quoted = quoteSchema(schema);
  const unfinished = async (executor: SqlExecutor): Promise<Migration[]> => {
    const rows = await executor.query<{ id: number }>(
      `select id from ${quoted}.migrations where online_finished_at is null and id = any($1::int[])`,
      [withOnline.map((m) => m.id)],
    );
    const ids = new Set(rows.map((r) => r.id));
    return withOnline.filter((m) => ids.has(m.id));
  };
  if ((await unfinished(engine)).length === 0) return;
  const run = async (executor: SqlExecutor): Promise<void> => {
    for (const migration of await unfinished(executor)) {
      for (const statement of migration.online!) {
        try {
          await executor.exec(statement.replaceAll(':XCOM_SCHEMA', quoted));
        } catch (err) {
          throw new XComMigrationError(
            `the online part of migration ${migration.id} (${migration.name}) failed in schema '${schema}' at ` +
              `'${statement.slice(0, 60)}': ${(err as Error).message}; it runs again at the next migrate`,
            { cause: err },
          );
        }
      }
      await executor.query(`update ${quoted}.migrations set online_finished_at = now() where id = $1`, [migration.id]);
    }
  };
  if (!engine.session) {
    // An engine without sessions of its own: statements one by one through it, with no lock between migrators.
    await run(engine);
    return;
  }
  await engine.session(async (session) => {
    const lockKey = `temporal-xcom:migrate-online:${schema}`;
    for (;;) {
      const [got] = await session.query<{ locked: boolean }>(
        `select pg_try_advisory_lock(hashtextextended($1, 0)) as locked`,
        [lockKey],
      );
      if (got?.locked) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      await run(session);
    } finally {
      await session.query(`select pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey]);
    }
  });
}

export interface SchemaStatus {
  readonly schema: string;
  /** Highest migration applied, 0 when the schema does not exist yet. */
  readonly version: number;
  /** Highest migration this code ships. */
  readonly latest: number;
  readonly pending: readonly string[];
}

/** Reports the schema version without changing anything. */
export async function schemaStatus(engine: SqlEngine, options: Pick<MigrateOptions, 'schema'> = {}): Promise<SchemaStatus> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const quoted = quoteSchema(schema);
  const [exists] = await engine.query<{ found: boolean }>(
    `select exists (select 1 from information_schema.tables where table_schema = $1 and table_name = 'migrations') as found`,
    [schema],
  );
  const applied = exists?.found ? await appliedMigrations(engine, quoted) : [];
  const version = applied.at(-1)?.id ?? 0;
  return {
    schema,
    version,
    latest: knownMigrations.at(-1)?.id ?? 0,
    pending: knownMigrations.filter((m) => m.id > version).map(label),
  };
}

async function appliedMigrations(executor: SqlExecutor, quoted: string): Promise<Migration[]> {
  const rows = await executor.query<{ id: number; name: string; breaking: boolean }>(
    `select id, name, breaking from ${quoted}.migrations order by id`,
  );
  return rows.map((r) => ({ ...r, sql: '' }));
}

function label(migration: Migration): string {
  return `${String(migration.id).padStart(6, '0')}_${migration.name}`;
}
