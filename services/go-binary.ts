import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { withBuildLock } from './build-lock';
import { OutputTail } from './output-tail';
import type { GoBinarySpec } from './versions';

const HEARTBEAT_MS = 60_000;

/** `${XDG_CACHE_HOME:-$HOME/.cache}/temporal-xcom/build/<name>-<version>`: outside the checkout, shared by clones. */
export function goBinaryCacheDir(spec: GoBinarySpec): string {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'temporal-xcom', 'build', `${spec.name}-${spec.version}`);
}

/**
 * Path to a runnable binary for `spec`: the env override, else (if allowed) one on PATH, else the per-user cache,
 * else a fresh `go install` into the cache. Concurrent callers build once: the others wait on a lock file.
 */
export async function ensureGoBinary(spec: GoBinarySpec): Promise<string> {
  const override = process.env[spec.envOverride];
  if (override) {
    if (!isExecutableFile(override)) {
      throw new Error(`${spec.envOverride}=${override} is not an executable file (expected the ${spec.name} binary)`);
    }
    return override;
  }
  if (spec.usePath) {
    const onPath = findOnPath(spec.name);
    if (onPath !== undefined) return onPath;
  }

  const dir = goBinaryCacheDir(spec);
  const target = join(dir, spec.name);
  if (isExecutableFile(target)) return target;

  mkdirSync(dir, { recursive: true });
  return withBuildLock(
    join(dir, '.build.lock'),
    (pid) => log(`waiting for another process (pid ${pid ?? '?'}) that is building ${spec.name} ${spec.version}`),
    async () => {
      if (isExecutableFile(target)) return target; // the process we waited for built it
      await goInstall(spec, dir, target);
      return target;
    },
  );
}

async function goInstall(spec: GoBinarySpec, dir: string, target: string): Promise<void> {
  const go = findGo();
  const what = `${spec.module}@${spec.version}`;
  if (go === undefined) {
    throw new Error(
      `Cannot build ${spec.name} (${what}): the \`go\` command is not on PATH. ` +
        `Install Go, or set ${spec.envOverride} to an existing ${spec.name} binary.`,
    );
  }

  // We hold the lock, so any staging directory here is left over from a killed build.
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.partial-')) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  // go install copies the binary non-atomically; build into a private directory and rename it into place,
  // so a build killed half way never leaves a truncated binary where the next run would trust it.
  const staging = join(dir, `.partial-${process.pid}`);
  mkdirSync(staging);

  const started = Date.now();
  log(
    `building ${spec.name} ${spec.version} with \`go install ${what}\`; ` +
      `the first build on a machine takes several minutes (cached in ${dir})`,
  );
  const heartbeat = setInterval(() => log(`still building ${spec.name} (${elapsed(started)})`), HEARTBEAT_MS);
  try {
    await run(go, ['install', what], { ...process.env, GOBIN: staging, GO111MODULE: 'on' }, what);
    renameSync(join(staging, spec.name), target);
  } finally {
    clearInterval(heartbeat);
    rmSync(staging, { recursive: true, force: true });
  }
  log(`built ${spec.name} ${spec.version} in ${elapsed(started)}: ${target}`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail = new OutputTail();
    // cwd outside the checkout so no go.mod / go.work there can change what gets built.
    const child = spawn(command, args, { env, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
    child.once('error', (error) => reject(new Error(`Cannot run ${command} to build ${what}`, { cause: error })));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(new Error(`\`go install ${what}\` failed (${how}). Last output:\n${tail.lastLines()}`));
      }
    });
  });
}

function findGo(): string | undefined {
  return findOnPath('go') ?? ['/usr/local/go/bin/go', join(homedir(), 'go', 'bin', 'go')].find(isExecutableFile);
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function elapsed(since: number): string {
  const seconds = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function log(message: string): void {
  process.stderr.write(`[temporal-xcom] ${message}\n`);
}
