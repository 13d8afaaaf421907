import { STORE_ENV_VARS } from '../config/store-config';

/** Printed under the top-level help: examples, the environment, and what the exit status means. */
export const HELP_FOOTER = `
Examples:
  xcom migrate --create                          create an embedded store here and its schema
  xcom status                                    engine, object store (checked), schema, counts
  xcom list --dag etl --run <id>                 entries with value previews
  xcom get --dag etl --run <id> --task extract -o json
  xcom runs --dag etl                            runs newest first, a page at a time (--after)
  xcom tasks --dag etl --run <id>                task instance states from owners and the ledger
  xcom purge --older-than 7d --dry-run           what a purge would remove
  xcom keep-latest --dag etl --runs 10 --yes     all but the newest 10 runs go, without asking

Environment (the store options above override it):
${STORE_ENV_VARS.map(([name, meaning]) => `  ${name.padEnd(29)}${meaning}`).join('\n')}

Exit status: 0 on success, 1 when the command failed (or a confirmation was declined), 2 for bad usage.
'xcom <command> --help' describes a command's own options.`;
