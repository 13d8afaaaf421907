import type { Command } from 'commander';
import { cutoffArg, type Cutoff } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { runRetention, type DestructiveFlags } from '../retention/run-retention';
import { destructiveOptions } from './destructive-options';

interface TrimLedgerOptions extends DestructiveFlags {
  readonly olderThan: Cutoff;
}

export function registerTrimLedger(program: Command, io: CliIo): void {
  const command = program
    .command('trim-ledger')
    .summary('remove old ledger rows')
    .description('remove ledger rows recorded before a cutoff (purged runs take their ledger with them)')
    .requiredOption('--older-than <age|date>', "a duration back from now ('30d') or a date ('2024-06-01')", cutoffArg('--older-than'));
  destructiveOptions(command).action(
    withStore(io, async (ctx, options: TrimLedgerOptions) => {
      await runRetention(ctx, options, {
        command: 'trim-ledger',
        scope: `the ledger rows older than ${options.olderThan.text} (before ${options.olderThan.at.toISOString()})`,
        unit: 'batches',
        run: (retention) => ctx.store.trimLedger({ ...retention, olderThan: options.olderThan.at }),
      });
    }),
  );
}
