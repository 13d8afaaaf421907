import type { Command } from 'commander';
import { cutoffArg, type Cutoff } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { runRetention, type DestructiveFlags } from '../retention/run-retention';
import { destructiveOptions } from './destructive-options';

interface TrimLedgerOptions extends DestructiveFlags {
  readonly olderThan: Cutoff;
  readonly auditOlderThan?: Cutoff;
}

export function registerTrimLedger(program: Command, io: CliIo): void {
  const command = program
    .command('trim-ledger')
    .summary('remove old ledger and audit rows')
    .description(
      'remove ledger and audit rows recorded before a cutoff (purged runs take their ledger with them; audit rows ' +
        'outlive their runs and go only here)',
    )
    .requiredOption('--older-than <age|date>', "a duration back from now ('30d') or a date ('2024-06-01')", cutoffArg('--older-than'))
    .option('--audit-older-than <age|date>', 'a cutoff of its own for the audit trail (default: --older-than)', cutoffArg('--audit-older-than'));
  destructiveOptions(command).action(
    withStore(io, async (ctx, options: TrimLedgerOptions) => {
      await runRetention(ctx, options, {
        command: 'trim-ledger',
        scope: trimScope(options),
        unit: 'batches',
        run: (retention) =>
          ctx.store.trimLedger({ ...retention, olderThan: options.olderThan.at, auditOlderThan: options.auditOlderThan?.at }),
      });
    }),
  );
}

function trimScope({ olderThan, auditOlderThan }: TrimLedgerOptions): string {
  const before = (cutoff: Cutoff) => `older than ${cutoff.text} (before ${cutoff.at.toISOString()})`;
  if (!auditOlderThan) return `the ledger and audit rows ${before(olderThan)}`;
  return `the ledger rows ${before(olderThan)} and the audit rows ${before(auditOlderThan)}`;
}
