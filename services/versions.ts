/**
 * Go-built service binaries, pinned. Bumping a version here makes every machine build it once more,
 * because the cache directory name includes the version.
 */
export interface GoBinarySpec {
  /** Binary name; also the last element of the module path. */
  readonly name: string;
  /** Module path passed to `go install`. */
  readonly module: string;
  readonly version: string;
  /** Environment variable that points at a ready binary and skips the build. */
  readonly envOverride: string;
  /** Whether a binary of this name found on PATH may be used instead (any version). */
  readonly usePath?: boolean;
}

/** v1.5.1 is the newest tag that `go install` accepts: later go.mod files carry a `replace` directive. */
export const TEMPORAL_CLI: GoBinarySpec = {
  name: 'temporal',
  module: 'github.com/temporalio/cli/cmd/temporal',
  version: 'v1.5.1',
  envOverride: 'TEMPORAL_CLI_PATH',
  usePath: true,
};

/** MinIO publishes no semver tags on the module proxy; this pseudo-version is a 2026-02 master commit. */
export const MINIO: GoBinarySpec = {
  name: 'minio',
  module: 'github.com/minio/minio',
  version: 'v0.0.0-20260212201848-7aac2a2c5b7c',
  envOverride: 'MINIO_PATH',
};
