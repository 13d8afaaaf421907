import { Pool, types, type PoolClient, type PoolConfig } from 'pg';
import { XComConfigError } from '../errors';
import { PgListener } from './pg-listener';
import type { SqlEngine, SqlExecutor } from './sql-engine';

export interface PostgresEngineOptions {
  /** A pool you own: used as is, never ended by the engine. Give this or `connectionString`, not both. */
  pool?: Pool;
  /** Builds a pool the engine owns (and ends on `close()`). */
  connectionString?: string;
  /** Size of a pool the engine builds. @default 10 */
  max?: number;
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
  const pool = options.pool ?? new Pool(ownedPoolConfig(options.connectionString!, options.max));
  if (ownsPool) {
    // An idle client's connection dying must not crash the process; the next query reconnects.
    pool.on('error', (err) => console.warn(`temporal-xcom: idle Postgres connection failed: ${err.message}`));
  }
  let closed = false;
  // LISTEN needs a session of its own: one dedicated connection, made on first use, shared by every listener.
  let listener: PgListener | undefined;

  return {
    kind: 'postgres',
    description: describeConnection(options.connectionString ?? pool.options.connectionString),
    async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      const result = await pool.query({ text: sql, values: params as unknown[] | undefined, types: int8AsNumber });
      return result.rows as R[];
    },
    async exec(sql: string): Promise<void> {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientExecutor(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
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

const int8AsNumber = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return types.getTypeParser(oid, format as 'text');
  },
};

function clientExecutor(client: PoolClient): SqlExecutor {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      const result = await client.query({ text: sql, values: params as unknown[] | undefined, types: int8AsNumber });
      return result.rows as R[];
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

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
