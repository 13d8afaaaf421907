import { durationMs } from '../../dag/duration';
import type { XComStore } from '../../store/xcom-store';
import type { CliOptions } from '../cli-options';
import { UsageError } from '../usage-error';

/** `xcom gc`: the object sweep on demand (workers also run it periodically). */
export async function gcCommand(store: XComStore, options: CliOptions, out: (line: string) => void): Promise<void> {
  let graceMs: number | undefined;
  if (options.grace !== undefined) {
    graceMs = durationMs(options.grace);
    if (graceMs === undefined || graceMs < 0) throw new UsageError(`--grace must be a duration such as '6h' or '30m', got '${options.grace}'`);
  }
  const result = await store.sweepObjects({ dryRun: options.dryRun, ...(graceMs !== undefined && { graceMs }) });
  if (options.json) return out(JSON.stringify(result));
  if (result.skipped) return out('another sweeper is running; nothing done');
  const verb = result.dryRun ? 'would remove' : 'removed';
  out(`${verb} ${result.deleted} object(s), ${result.deletedBytes} bytes` +
    ` (${result.orphans} stored without a row), and ${result.abandonedUploads} abandoned upload(s)`);
  for (const key of result.sample) out(`  ${key}`);
  if (result.deleted > result.sample.length) out(`  … and ${result.deleted - result.sample.length} more`);
}
