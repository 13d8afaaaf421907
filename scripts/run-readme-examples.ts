// Runs the README's worker and client (docs/examples/readme), compiled in user projects by check-package.sh,
// against a Temporal dev server started here, with the embedded store each project keeps in its own ./.xcom.
//
// Usage: tsx scripts/run-readme-examples.ts <project dir>...
//   Each directory holds dist/worker.js and dist/client.js and is the working directory of both (the worker
//   bundles ./src/workflows.ts from there). TEMPORAL_ADDRESS set: use that server instead of starting one.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { startTemporalDevServer } from '../services/temporal-dev-server';

const CLIENT_TIMEOUT_MS = 120_000;

/** What the client prints for a run that recorded the README's three XComs. */
const EXPECTED = [/^etl returned 4$/m, /^extract return_value \[ 1, 2, 3 \]$/m, /^extract source s3:\/\/raw\/2024-01-01$/m, /^load return_value 4$/m];

async function main(): Promise<void> {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) throw new Error('usage: run-readme-examples.ts <project dir>...');
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await startTemporalDevServer();
  const address = process.env.TEMPORAL_ADDRESS ?? server!.address;
  try {
    for (const dir of dirs) await runProject(path.resolve(dir), address);
  } finally {
    await server?.stop();
  }
}

async function runProject(dir: string, address: string): Promise<void> {
  const started = Date.now();
  // Only the Temporal address: the store is the embedded default in ./.xcom, as on a first try.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: address };
  const worker = spawn(process.execPath, ['dist/worker.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const workerOutput = collect(worker);
  const workerExit = once(worker, 'exit');
  try {
    const client = spawn(process.execPath, ['dist/client.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const clientOutput = collect(client);
    const timer = setTimeout(() => client.kill('SIGKILL'), CLIENT_TIMEOUT_MS);
    const [code] = (await once(client, 'exit')) as [number | null];
    clearTimeout(timer);
    const output = clientOutput();
    const missing = EXPECTED.filter((line) => !line.test(output));
    if (code !== 0 || missing.length > 0) {
      throw new Error(
        `${dir}: the client ${code === 0 ? `did not print ${missing.join(', ')}` : `exited with ${String(code)}`}\n` +
          `--- client\n${output}\n--- worker\n${workerOutput()}`,
      );
    }
    const shown = output.trim().split('\n').map((line) => `    ${line}`).join('\n');
    console.log(`run ${path.basename(path.dirname(dir))}/${path.basename(dir)}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s\n${shown}`);
  } finally {
    // SIGINT: the Temporal runtime shuts the worker down gracefully, and the plugin closes its embedded store.
    if (worker.exitCode === null) worker.kill('SIGINT');
    const [code] = (await workerExit) as [number | null];
    if (code !== 0) console.log(`  (worker exited with ${String(code)})\n${workerOutput()}`);
  }
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
