import { Pool, types } from 'pg';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { XComBackend } from '../../src/store/backend';
import { commitStatement } from '../../src/store/commit-statement';
import type { XComStore } from '../../src/store/xcom-store';

const INT8_OID = 20;
const int8AsNumber = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Simulates the suggested fix on one store instance, from the bench only: its commit statement goes through a pool
 * of ours as a named prepared statement (parsed and planned once per connection); every other query is untouched.
 * Returns how many commits took that path so far, and a function that ends the pool.
 */
export function prepareCommitStatement(
  backend: XComBackend,
  connectionString: string,
  schema: string,
): { readonly prepared: () => number; end(): Promise<void> } {
  let prepared = 0;
  const store = backend as XComStore;
  const statement = commitStatement(quoteSchema(schema));
  const pool = new Pool({ connectionString, max: 10, application_name: 'temporal-xcom-bench-prepared' });
  const original = store.engine.query.bind(store.engine);
  store.engine.query = async <R>(sql: string, params?: readonly unknown[]): Promise<R[]> => {
    if (sql !== statement) return original<R>(sql, params);
    prepared += 1;
    const result = await pool.query({ name: 'xcom_commit', text: sql, values: params as unknown[] | undefined, types: int8AsNumber });
    return result.rows as R[];
  };
  return { prepared: () => prepared, end: () => pool.end() };
}
