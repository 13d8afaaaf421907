import { XComConfigError } from '../errors';

/** The schema every table lives in unless configured otherwise. */
export const DEFAULT_SCHEMA = 'xcom';

/**
 * Returns the schema name quoted for SQL. Names are limited to plain identifiers so that the same name means the
 * same thing in SQL, in `search_path`, and on the command line.
 */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new XComConfigError(
      `schema '${schema}' is not a valid schema name: use letters, digits and underscores, starting with a letter or _ (at most 63)`,
    );
  }
  return `"${schema}"`;
}
