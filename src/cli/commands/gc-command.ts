import type { Command } from 'commander';
import { durationArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { ProgressBar } from '../interactive/progress-bar';
import { formatBytes } from '../output/human-units';

interface GcOptions {
  readonly dryRun?: boolean;
  readonly grace?: number;
}

/**
 * `xcom gc`: the object sweep on demand (workers also run it hourly). It asks no confirmation: it removes only
 * objects that nothing references and nobody touched for the grace period.
 */
export function registerGc(program: Command, io: CliIo): void {
  program
    .command('gc')
    .summary('collect unreferenced objects')
    .description('remove objects no entry references (untouched for the grace period), stored objects without a row, and abandoned uploads')
    .option('--dry-run', 'count what would be removed; remove nothing')
    .option('--grace <duration>', 'leave objects touched more recently than this (default XCOM_OBJECT_GRACE, 6h)', durationArg('--grace'))
    .action(
      withStore(io, async ({ store, output }, options: GcOptions) => {
        const bar = io.terminal && new ProgressBar(io.terminal, 'gc', 'objects');
        const swept = await store
          .sweepObjects({
            dryRun: options.dryRun ?? false,
            ...(options.grace !== undefined && { graceMs: options.grace }),
            onProgress: (p) => bar && bar.update(p.deleted, formatBytes(p.deletedBytes)),
          })
          .finally(() => bar && bar.finish());
        output.document(swept, () => {
          if (swept.skipped) return ['another sweeper is running; nothing done'];
          const verb = swept.dryRun ? 'would remove' : 'removed';
          const lines = [
            `${verb} ${swept.deleted} object(s), ${swept.deletedBytes} bytes (${swept.orphans} stored without a row), ` +
              `and ${swept.abandonedUploads} abandoned upload(s)`,
            ...swept.sample.map((key) => `  ${key}`),
          ];
          if (swept.deleted > swept.sample.length) lines.push(`  … and ${swept.deleted - swept.sample.length} more`);
          return lines;
        });
      }),
    );
}
