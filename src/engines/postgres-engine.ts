import { Pool, types, type PoolClient, type PoolConfig } from 'pg';
import { XComConfigError } from '../errors';
import { explainConnectionFailure } from './connection-failure';
import { PgListener } from './pg-listener';
import { parseTimestamptz, TIMESTAMPTZ_OID } from './timestamptz-parser';
import type { QueryOptions, SqlEngine, SqlExecutor } from './sql-engine';
import { xcomLog } from '../log/xcom-log';

export interface PostgresEngineOptions {
  /** A pool you own: used as is, never ended by the engine. Give this or `connectionString`, not both. */
  pool?: Pool;
  /** Builds a pool the engine owns (and ends on `close()`). */
  connectionString?: string;
  /** Size of a pool the engine builds. @default 10 */
  max?: number;
  /**
   * Keep hot statements prepared per connection (parsing and planning cost more than running the XCom commit). Turn
   * off behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21) or on a
   * connection several clients share. @default true for a pool the engine builds, false for yours
   */
  preparedStatements?: boolean;
  /** What to check when the server cannot be reached, for the error. @default DATABASE_URL and the server */
  unreachableHint?: string;
}

// int8 (sizes, counts) as numbers: every size the store keeps is far below 2^53.
const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

/** A Postgres server reached through `pg`: the production engine. */
export function createPostgresEngine(options: PostgresEngineOptions): SqlEngine {
  if (options.pool && options.connectionString) {
    throw new XComConfigError('createPostgresEngine: pass either `pool` or `connectionString`, not both');
  }
  if (!options.pool && !options.connectionString) {
    throw new XComConfigError('createPostgresEngine: pass a `pool` or a `connectionString`');
  }
  const ownsPool = !options.pool;
  const prepared = options.preparedStatements ?? ownsPool;
  const pool = options.pool ?? new Pool(ownedPoolConfig(options.connectionString!, options.max));
  if (ownsPool) {
    // An idle client's connection dying must not crash the process; the next query reconnects.
    pool.on('error', (err) => xcomLog().warn(`temporal-xcom: idle Postgres connection failed: ${err.message}`));
  }
  let closed = false;
  // LISTEN needs a session of its own: one dedicated connection, made on first use, shared by every listener.
  let listener: PgListener | undefined;

  const description = describeConnection(options.connectionString ?? pool.options.connectionString);
  const explained = (err: unknown) => explainConnectionFailure(err, description, options.unreachableHint);

  return {
    kind: 'postgres',
    description,
    async query<R>(sql: string, params?: readonly unknown[], queryOptions?: QueryOptions): Promise<R[]> {
      const result = await pool.query(queryConfig(sql, params, prepared ? queryOptions : undefined)).catch((err: unknown) => {
        throw explained(err);
      });
      return result.rows as R[];
    },
    async exec(sql: string): Promise<void> {
      await pool.query(sql).catch((err: unknown) => {
        throw explained(err);
      });
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect().catch((err: unknown) => {
        throw explained(err);
      });
      try {
        await client.query('BEGIN');
        const result = await fn(clientExecutor(client, prepared));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async session<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn(clientExecutor(client, prepared));
      } catch (err) {
        broken = err as Error;
        throw err;
      } finally {
        // A failed session may hold what fn meant to release: the connection is closed rather than reused.
        client.release(broken);
      }
    },
    listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
      if (closed) return Promise.reject(new XComConfigError('the Postgres engine is closed'));
      listener ??= new PgListener({ ...pool.options });
      return listener.listen(channel, onNotify);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await listener?.close();
      if (ownsPool) await pool.end();
    },
  };
}

const readTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    if (oid === TIMESTAMPTZ_OID && format !== 'binary') return parseTimestamptz;
    return types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
  },
};

/** pg names a statement per connection and prepares it there once; the name must not exceed 63 bytes. */
function queryConfig(sql: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined) {
  const name = options?.prepareAs?.slice(0, 63);
  return { text: sql, values: params as unknown[] | undefined, types: readTypes, ...(name && { name }) };
}

function clientExecutor(client: PoolClient, prepared: boolean): SqlExecutor {
  return {
    async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]> {
      const result = await client.query(queryConfig(sql, params, prepared ? options : undefined));
      return result.rows as R[];
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

// Sessions keep Postgres's default plan_cache_mode: lookups are planned for their parameters. The commit function,
// whose array statements cost more to plan than to run, forces generic plans for itself alone (sql/000005).
function ownedPoolConfig(connectionString: string, max = 10): PoolConfig {
  return { connectionString, max, application_name: 'temporal-xcom' };
}

/** `postgres://user@host:port/db` with any password removed. */
export function describeConnection(connectionString: string | undefined): string {
  if (!connectionString) return 'postgres (user pool)';
  try {
    const url = new URL(connectionString);
    url.password = '';
    return url.toString();
  } catch {
    return 'postgres (unparseable connection string)';
  }
}
