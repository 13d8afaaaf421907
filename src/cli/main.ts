#!/usr/bin/env node
import { CommanderError } from 'commander';
import { XComError } from '../errors';
import type { CliIo } from './cli-io';
import { guardedWriter } from './output/std-streams';
import { buildProgram } from './program';
import { DeclinedError } from './retention/run-retention';
import { UsageError } from './usage-error';

/** Runs one CLI invocation; returns the exit status (0 done, 1 failed, 2 bad usage). */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    return fail(err, io);
  }
}

function fail(err: unknown, io: CliIo): number {
  // Commander printed its own message (or the help, or the version) already.
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof UsageError) {
    io.err(`xcom: ${err.message}\n(run 'xcom --help', or 'xcom <command> --help', for usage)\n`);
    return 2;
  }
  if (err instanceof DeclinedError) {
    io.err(`xcom: declined; ${err.message}\n`);
    return 1;
  }
  const code = (err as { code?: string }).code;
  const message = code === '42P01' ? `${(err as Error).message} (the schema is missing: run 'xcom migrate')` : (err as Error).message;
  io.err(`xcom: ${err instanceof XComError ? `${err.code}: ` : ''}${message}\n`);
  return 1;
}

function processIo(): CliIo {
  const stderr = process.stderr;
  const err = guardedWriter(stderr);
  return {
    out: guardedWriter(process.stdout),
    err,
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && stderr.isTTY),
    terminal: stderr.isTTY ? { write: err, columns: () => stderr.columns || 80 } : undefined,
  };
}

if (require.main === module) {
  // The AWS SDK prints a nine-line warning about future Node versions on every command; nobody running xcom can act
  // on it. Its own switch turns it off (before any S3 client exists), unless the user set it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void runCli(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
