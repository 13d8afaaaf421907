import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface UiProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Runs `xcom ui` (the CLI from source, through tsx) with `env` and `args`, and resolves with the URL it prints once it
 * listens. Rejects with its stderr if it exits first.
 */
export function startUiProcess(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<UiProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/cli/main.ts', 'ui', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  return new Promise((done, fail) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) done({ url: match[1]!, pid: child.pid!, stop: () => stopChild(child) });
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => fail(new Error(`xcom ui exited (${signal ?? `status ${code}`}) before serving:\n${stderr}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}
