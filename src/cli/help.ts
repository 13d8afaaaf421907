import { STORE_ENV_VARS } from '../config/store-config';

export const HELP = `xcom — inspect and manage the temporal-xcom store

Usage:
  xcom migrate                          create or upgrade the schema
  xcom status                           engine, object store, schema version and counts
  xcom list [filters] [--limit N] [--json]
                                        entries, newest first, as a table
  xcom get --dag D --run R --task T [--key K] [--map-index N] [--full] [--max-chars N] [--json]
                                        one value; a preview of at most --max-chars characters unless --full
  xcom gc [--dry-run] [--grace 6h] [--json]
                                        remove objects no entry references (untouched for the grace period),
                                        stored objects without a row, and abandoned uploads

Filters (list):
  --dag D   --run R   --task T   --key K   --map-index N

Store options (override the environment):
  --database-url URL   --data-dir DIR   --schema NAME

Environment:
${STORE_ENV_VARS.map(([name, meaning]) => `  ${name.padEnd(29)}${meaning}`).join('\n')}

Exit status: 0 on success, 1 when the command failed, 2 for bad usage.
`;
