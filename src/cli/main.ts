#!/usr/bin/env node
import { openXComStore } from '../config/open-store';
import { XComError } from '../errors';
import { parseCliOptions, type CliOptions } from './cli-options';
import { gcCommand } from './commands/gc-command';
import { getCommand } from './commands/get-command';
import { listCommand } from './commands/list-command';
import { migrateCommand } from './commands/migrate-command';
import { statusCommand } from './commands/status-command';
import { HELP } from './help';
import { UsageError } from './usage-error';

const COMMANDS = {
  migrate: (store, options, out) => migrateCommand(store.engine, options, out),
  status: statusCommand,
  list: listCommand,
  get: getCommand,
  gc: gcCommand,
} satisfies Record<string, (store: Awaited<ReturnType<typeof openXComStore>>, o: CliOptions, out: (l: string) => void) => Promise<void>>;

/** Runs one CLI invocation; returns the exit status. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let options: CliOptions;
  try {
    options = parseCliOptions(argv, env);
  } catch (err) {
    return fail(err);
  }
  if (options.help || options.command === undefined || options.command === 'help') {
    out(HELP);
    return options.help || options.command === 'help' ? 0 : 2;
  }
  const command = COMMANDS[options.command as keyof typeof COMMANDS];
  if (!command) return fail(new UsageError(`unknown command '${options.command}'`));
  try {
    // Only `migrate` changes the schema; reads against an unmigrated database say so instead.
    const store = await openXComStore(options.config, { migrate: false });
    try {
      await command(store, options, out);
    } finally {
      await store.close();
    }
    return 0;
  } catch (err) {
    return fail(err);
  }
}

function fail(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`xcom: ${err.message}\nRun 'xcom --help' for usage.\n`);
    return 2;
  }
  const code = (err as { code?: string }).code;
  const message = code === '42P01' ? `${(err as Error).message} (the schema is missing: run 'xcom migrate')` : (err as Error).message;
  process.stderr.write(`xcom: ${err instanceof XComError ? `${err.code}: ` : ''}${message}\n`);
  return 1;
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
