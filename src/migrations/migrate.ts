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
  const quoted = quoteSchema(schema);
  const migrations = options.migrations ?? knownMigrations;
  return engine.transaction(async (tx) => {
    await tx.query(`select set_config('lock_timeout', $1, true)`, [`${options.lockTimeoutMs ?? 60_000}ms`]);
    await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [`temporal-xcom:migrate:${schema}`]);
    await tx.exec(
      `create schema if not exists ${quoted};
       create table if not exists ${quoted}.migrations (
         id integer primary key, name text not null, breaking boolean not null,
         applied_at timestamptz not null default now());`,
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
