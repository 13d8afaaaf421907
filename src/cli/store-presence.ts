import { existsSync } from 'node:fs';
import path from 'node:path';
import type { StoreConfig } from '../config/store-config';
import { XComConfigError } from '../errors';

/**
 * Opening an embedded store creates it when the directory has none, so a CLI run from the wrong directory would
 * quietly show an empty store (and leave a new one behind). Unless `--create`, say so and stop instead.
 */
export function assertStoreExists(config: StoreConfig, create: boolean): void {
  if (create || config.database.kind !== 'pglite') return;
  const dataDir = config.database.dataDir;
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const storeDir = path.dirname(dataDir);
  throw new XComConfigError(
    `no XCom store in ${storeDir} (no embedded database at ${dataDir}). Run where the store is, point XCOM_DATA_DIR ` +
      `or --data-dir at it, set DATABASE_URL or --database-url for a Postgres server, or pass --create to create an ` +
      `empty store here`,
  );
}
