#!/usr/bin/env bash
# Checks the package as a user gets it: packs temporal-xcom, installs the tarball into a fresh project beside a
# given @temporalio SDK version, and there
#   - type-checks the README's snippets (docs/examples/readme: worker, activities, workflows, client) as written,
#     under CommonJS (TypeScript 5, module commonjs, node10 resolution: the samples-typescript setup), ES modules
#     (a "type": "module" project, nodenext) and bundler resolution;
#   - runs them, compiled both ways: the worker with the embedded store, the client starting a run and reading its
#     XComs back through XComClient.open() (scripts/run-readme-examples.ts, against a Temporal dev server);
#   - bundles the workflows with the plugin, and checks that workflow code importing 'temporal-xcom' (the Node
#     entry) fails the bundle with the message that names 'temporal-xcom/workflow';
#   - checks node_modules holds one copy of the SDK (`npm ls @temporalio/common`).
#
# Usage: scripts/check-package.sh [sdk-version ...]
#   With no versions: the lowest the peerDependencies allow and the newest on the registry.
#   SKIP_BUILD=1 packs dist/ as it is; KEEP=1 keeps the temporary directory; SKIP_RUN=1 only compiles.
#   The runs need the Temporal CLI `npm run services:install` builds (or TEMPORAL_ADDRESS).
# Needs the npm registry (one install per version, about a minute each); nothing else from the network.
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

examples="$root/docs/examples/readme"
run_dirs=()

check_version() {
  local version="$1" dir="$work/sdk-$version" started=$SECONDS
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

  # The same four files in a CommonJS project and in an ES module project ("type": "module").
  mkdir -p "$dir/cjs/src" "$dir/esm/src"
  cp "$examples"/*.ts "$dir/cjs/src/"
  cp "$examples"/*.ts "$dir/esm/src/"
  echo '{ "type": "commonjs" }' >"$dir/cjs/package.json"
  echo '{ "type": "module" }' >"$dir/esm/package.json"
  # skipLibCheck as in Temporal's samples: the SDK's own declarations need it (they import 'ms' without types).
  local common='"strict": true, "skipLibCheck": true, "types": ["node"], "target": "ES2022", "lib": ["ES2022"], "rootDir": "src", "outDir": "dist"'
  echo "{ \"compilerOptions\": { $common, \"module\": \"commonjs\", \"moduleResolution\": \"node10\", \"esModuleInterop\": true }, \"include\": [\"src\"] }" >"$dir/cjs/tsconfig.json"
  echo "{ \"compilerOptions\": { $common, \"module\": \"nodenext\", \"moduleResolution\": \"nodenext\" }, \"include\": [\"src\"] }" >"$dir/esm/tsconfig.json"
  echo "{ \"compilerOptions\": { $common, \"noEmit\": true, \"module\": \"esnext\", \"moduleResolution\": \"bundler\" }, \"include\": [\"src\"] }" >"$dir/cjs/tsconfig.bundler.json"
  local tsc="$dir/node_modules/.bin/tsc"
  (cd "$dir/cjs" && "$tsc" -p tsconfig.json && node -e "require('./dist/activities.js')")
  echo "tsc cjs (commonjs, node10): ok"
  (cd "$dir/esm" && "$tsc" -p tsconfig.json && node --input-type=module -e "await import('./dist/activities.js')")
  echo "tsc esm (nodenext, type module): ok"
  (cd "$dir/cjs" && "$tsc" -p tsconfig.bundler.json)
  echo "tsc bundler: ok"
  run_dirs+=("$dir/cjs" "$dir/esm")

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
  const { code } = await bundle('./cjs/src/workflows.ts');
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
  echo "@temporalio/* $version: checked in $((SECONDS - started)) s"
}

for version in "${versions[@]}"; do
  check_version "$version"
done

if [[ -z "${SKIP_RUN:-}" ]]; then
  echo
  echo "=== running the README's worker and client"
  npx tsx scripts/run-readme-examples.ts "${run_dirs[@]}"
fi
echo
echo "package check passed for @temporalio/* ${versions[*]} in ${SECONDS} s"
