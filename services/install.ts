/**
 * `npm run services:install`: builds (or finds) the pinned Temporal CLI and MinIO binaries up front, so a slow first
 * `go install` shows up as its own CI step rather than as a test-setup timeout.
 */
import { ensureGoBinary } from './go-binary';
import { MINIO, TEMPORAL_CLI } from './versions';

async function main(): Promise<void> {
  // One after the other: each go build already uses every core, and two at once double the peak memory (~1.5 GB each).
  for (const spec of [TEMPORAL_CLI, MINIO]) {
    const path = await ensureGoBinary(spec);
    process.stdout.write(`${spec.name} ${spec.version}: ${path}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`services:install failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
