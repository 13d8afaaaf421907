import type { StoreConfig } from './store-config';

/** One line naming where a configured store keeps rows and objects, and what is degraded about it, if anything. */
export function describeStore(config: StoreConfig): { readonly summary: string; readonly degraded?: string } {
  const db = config.database;
  const objects = config.objects;
  const rows = db.kind === 'postgres' ? `postgres ${redact(db.connectionString)}` : `embedded PGlite in ${db.dataDir}`;
  const where = objects.kind === 's3' ? `s3://${objects.bucket}${objects.prefix ? `/${objects.prefix}` : ''}` : `directory ${objects.directory}`;
  const summary = `temporal-xcom store: rows in ${rows} (schema ${config.schema}), large values in ${where}`;
  if (db.kind === 'postgres' && objects.kind === 'directory') {
    return {
      summary,
      degraded:
        `temporal-xcom: rows are in a Postgres server but large values go to a local directory (${objects.directory}), ` +
        'which other workers and the CLI on other machines or in other directories cannot read; set S3_BUCKET / ' +
        'S3_ENDPOINT (or XCOM_DATA_DIR to a path every process shares)',
    };
  }
  return { summary };
}

function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    url.password = '';
    return url.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
