import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';

/** The built binary, as users run it (`npm test` builds first). */
export const CLI = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

type Env = Record<string, string | undefined>;

/** Generous: these run real processes on a loaded two-core machine. */
const TIMEOUT_MS = 90_000;

function run(file: string, args: string[], env: Env, cwd?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: { PATH: process.env.PATH, ...env }, cwd, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** `xcom …` with a pipe for stdin (no terminal, as in CI) and only `env` (plus PATH) in its environment. */
export function runCli(args: string[], env: Env, options: { cwd?: string } = {}): Promise<CliRun> {
  return run(process.execPath, [CLI, ...args], env, options.cwd);
}

export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line that runs `xcom args`, for shell scripts. */
export function cliCommand(args: string[]): string {
  return [process.execPath, CLI, ...args].map(shellQuote).join(' ');
}

/** A bash script (with pipefail), e.g. to pipe the CLI into `head`. */
export function runShell(script: string, env: Env): Promise<CliRun> {
  return run('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], env);
}

/** Whether util-linux `script` can give the CLI a pseudo-terminal here. */
export const hasPseudoTerminal = spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0;

/**
 * `xcom …` on a pseudo-terminal (util-linux `script`), with `input` typed in: stdin, stdout and stderr are all the
 * terminal, so the output is both streams together with terminal control sequences.
 */
export function runInTerminal(args: string[], env: Env, input: string): Promise<CliRun> {
  return runShell(`printf %s ${shellQuote(input)} | script -qec ${shellQuote(cliCommand(args))} /dev/null`, env);
}
