#!/usr/bin/env bash
# Checks the package as a user gets it: packs temporal-xcom, installs the tarball into a fresh project beside a
# given @temporalio SDK version, and there
#   - type-checks a tiny worker + activities + workflows + client under CommonJS (TypeScript 5, node10
#     resolution, the samples-typescript setup), ESM (nodenext) and bundler resolution;
#   - bundles the workflows with the plugin, and checks that workflow code importing 'temporal-xcom' (the Node
#     entry) fails the bundle with the message that names 'temporal-xcom/workflow';
#   - checks node_modules holds one copy of the SDK (`npm ls @temporalio/common`).
#
# Usage: scripts/check-package.sh [sdk-version ...]
#   With no versions: the lowest the peerDependencies allow and the newest on the registry.
#   SKIP_BUILD=1 packs dist/ as it is; KEEP=1 keeps the temporary directory.
# Needs the npm registry (one install per version, about a minute each).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

if [[ $# -gt 0 ]]; then
  versions=("$@")
else
  lowest="$(node -p "require('./package.json').peerDependencies['@temporalio/plugin'].match(/\\d+\\.\\d+\\.\\d+/)[0]")"
  newest="$(npm view @temporalio/plugin version)"
  versions=("$lowest" "$newest")
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/xcom-check-package.XXXXXX")"
if [[ -z "${KEEP:-}" ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi

[[ -n "${SKIP_BUILD:-}" ]] || npm run --silent build
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KB)"

# The user's files: written once as CommonJS TypeScript, then copied for the ESM variant.
write_sources() {
  local dir="$1"
  mkdir -p "$dir"
  cat >"$dir/activities.ts" <<'EOF'
import { xcom } from 'temporal-xcom';

export async function extract(): Promise<number[]> {
  xcom.push('source', 's3://raw/2024-01-01');
  return [1, 2, 3];
}

export async function load(rows: number[]): Promise<number> {
  const again = await xcom.pull<number[]>({ taskIds: 'extract' });
  return rows.length + again.length;
}
EOF
  cat >"$dir/workflows.ts" <<'EOF'
import { proxyActivities } from '@temporalio/workflow';
import { defineDag, pull, runDag, setDagRun, withTask } from 'temporal-xcom/workflow';
import type * as activities from './activities';

const { extract, load } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

export async function etl(): Promise<number> {
  setDagRun({ dagId: 'etl' });
  const rows = await withTask({ taskId: 'extract' }, () => extract());
  await pull({ taskIds: 'extract', key: 'source' });
  return load(rows);
}

export const etlDag = defineDag({ dagId: 'etl_dag' }, (dag) => {
  const t = dag.tasks<typeof activities>();
  t.load(t.extract());
});

export const etlAsDag = () => runDag(etlDag);
EOF
  cat >"$dir/worker.ts" <<'EOF'
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { XComPlugin } from 'temporal-xcom';
import * as activities from './activities';
import { etlDag } from './workflows';

export async function main(workflowsPath: string): Promise<void> {
  const xcom = new XComPlugin({ dags: [etlDag] });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, plugins: [xcom] });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: 'localhost:7233' }),
    taskQueue: 'etl',
    workflowBundle,
    activities,
    plugins: [xcom],
  });
  const client = new Client({ connection: await Connection.connect(), plugins: [xcom] });
  await worker.runUntil(client.workflow.execute('etl', { taskQueue: 'etl', workflowId: 'etl-1' }));
}
EOF
}

check_version() {
  local version="$1" dir="$work/sdk-$version"
  echo
  echo "=== @temporalio/* $version"
  mkdir -p "$dir"
  cat >"$dir/package.json" <<EOF
{
  "name": "xcom-package-check",
  "private": true,
  "dependencies": {
    "@temporalio/activity": "$version",
    "@temporalio/client": "$version",
    "@temporalio/common": "$version",
    "@temporalio/plugin": "$version",
    "@temporalio/worker": "$version",
    "@temporalio/workflow": "$version",
    "temporal-xcom": "file:$tarball"
  },
  "devDependencies": { "typescript": "~5.9.3", "@types/node": "^20.19.0" }
}
EOF
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  echo "installed: node_modules $(du -sm "$dir/node_modules" | cut -f1) MB"

  write_sources "$dir/cjs"
  mkdir -p "$dir/esm"
  for f in activities workflows worker; do
    sed -E "s#from '\\./([a-z]+)'#from './\\1.mjs'#" "$dir/cjs/$f.ts" >"$dir/esm/$f.mts"
  done
  # skipLibCheck as in Temporal's samples: the SDK's own declarations need it (they import 'ms' without types).
  local common='"strict": true, "skipLibCheck": true, "noEmit": true, "types": ["node"], "target": "ES2022", "lib": ["ES2022"]'
  echo "{ \"compilerOptions\": { $common, \"module\": \"commonjs\", \"moduleResolution\": \"node10\", \"esModuleInterop\": true }, \"include\": [\"cjs\"] }" >"$dir/tsconfig.cjs.json"
  echo "{ \"compilerOptions\": { $common, \"module\": \"nodenext\", \"moduleResolution\": \"nodenext\" }, \"include\": [\"esm\"] }" >"$dir/tsconfig.esm.json"
  echo "{ \"compilerOptions\": { $common, \"module\": \"esnext\", \"moduleResolution\": \"bundler\" }, \"include\": [\"cjs\"] }" >"$dir/tsconfig.bundler.json"
  local kind
  for kind in cjs esm bundler; do
    (cd "$dir" && npx tsc -p "tsconfig.$kind.json")
    echo "tsc $kind: ok"
  done

  cat >"$dir/wrong-entry.ts" <<'EOF'
import { XComPlugin } from 'temporal-xcom';
export async function wrongEntry(): Promise<string> {
  return XComPlugin.name;
}
EOF
  cat >"$dir/bundle.js" <<'EOF'
const { bundleWorkflowCode } = require('@temporalio/worker');
const { XComPlugin } = require('temporal-xcom');
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
const bundle = (file) => bundleWorkflowCode({ workflowsPath: require.resolve(file), plugins: [new XComPlugin()], logger: quiet });
(async () => {
  const { code } = await bundle('./cjs/workflows.ts');
  console.log(`bundle: ok (${(code.length / 1024 / 1024).toFixed(2)} MB)`);
  const wrong = await bundle('./wrong-entry.ts').then(() => undefined, (error) => error);
  if (!wrong || !/temporal-xcom\/workflow/.test(wrong.message)) {
    throw new Error(`workflow code importing 'temporal-xcom' should fail naming temporal-xcom/workflow: ${wrong?.message}`);
  }
  console.log(`bundle importing the Node entry: fails with "${wrong.message.slice(0, 90)}..."`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
EOF
  (cd "$dir" && node bundle.js)

  local copies
  copies="$(cd "$dir" && npm ls @temporalio/common --all --parseable | sort -u)"
  echo "npm ls @temporalio/common:"
  (cd "$dir" && npm ls @temporalio/common --all) | sed 's/^/  /'
  if [[ "$(wc -l <<<"$copies")" -ne 1 ]]; then
    echo "more than one copy of @temporalio/common: $copies" >&2
    return 1
  fi
  echo "one copy of the SDK: ok"
}

for version in "${versions[@]}"; do
  check_version "$version"
done
echo
echo "package check passed for @temporalio/* ${versions[*]}"
