import { Command, Option } from 'commander';
import type { CliIo } from './cli-io';
import { registerClear } from './commands/clear-command';
import { registerGc } from './commands/gc-command';
import { registerGet } from './commands/get-command';
import { registerKeepLatest } from './commands/keep-latest-command';
import { registerLedger } from './commands/ledger-command';
import { registerLineage } from './commands/lineage-command';
import { registerList } from './commands/list-command';
import { registerMigrate } from './commands/migrate-command';
import { registerPurge } from './commands/purge-command';
import { registerRotateKeys } from './commands/rotate-keys-command';
import { registerRuns } from './commands/runs-command';
import { registerStatus } from './commands/status-command';
import { registerTasks } from './commands/tasks-command';
import { registerTrimLedger } from './commands/trim-ledger-command';
import { registerUi } from './commands/ui-command';
import { HELP_FOOTER } from './help-text';
import { OUTPUT_FORMATS } from './output/output-format';
import { packageVersion } from './package-version';

/**
 * The `xcom` command line: global options (store, output) accepted before or after the command, one subcommand per
 * file under commands/, each with its own `--help`. Parse errors throw (exitOverride) so that main picks the status.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('xcom')
    .description('inspect and manage the temporal-xcom store')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--database-url <url>', 'Postgres server for the rows (overrides DATABASE_URL)')
    .option('--data-dir <dir>', 'embedded store directory (overrides XCOM_DATA_DIR)')
    .option('--schema <name>', 'SQL schema (overrides XCOM_SCHEMA)')
    .option('--create', 'create an embedded store if the directory has none (otherwise the command stops)')
    .addOption(new Option('-o, --output <format>', 'how to print results').choices(OUTPUT_FORMATS))
    .option('--json', 'same as --output json')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (message, write) => write(message.replace(/^error: /, 'xcom: ')),
    })
    .showHelpAfterError("(run 'xcom --help', or 'xcom <command> --help', for usage)")
    .exitOverride()
    .addHelpText('after', HELP_FOOTER);
  for (const register of [
    registerMigrate,
    registerStatus,
    registerList,
    registerGet,
    registerRuns,
    registerTasks,
    registerLedger,
    registerLineage,
    registerPurge,
    registerKeepLatest,
    registerClear,
    registerTrimLedger,
    registerGc,
    registerRotateKeys,
    registerUi,
  ]) {
    register(program, io);
  }
  return program;
}
