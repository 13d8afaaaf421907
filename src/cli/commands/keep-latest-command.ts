import type { Command } from 'commander';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { runRetention, type DestructiveFlags } from '../retention/run-retention';
import { destructiveOptions } from './destructive-options';

interface KeepLatestOptions extends DestructiveFlags {
  readonly dag: string;
  readonly runs: number;
}

export function registerKeepLatest(program: Command, io: CliIo): void {
  const command = program
    .command('keep-latest')
    .summary('keep only the newest N runs of a DAG')
    .description('remove all but the newest runs of a DAG (by logical date, else creation time); entries with a longer retention are kept')
    .requiredOption('--dag <id>', 'the DAG')
    .requiredOption('--runs <n>', 'how many of the newest runs to keep', integerArg('--runs', 0));
  destructiveOptions(command).action(
    withStore(io, async (ctx, options: KeepLatestOptions) => {
      await runRetention(ctx, options, {
        command: 'keep-latest',
        scope: `all but the newest ${options.runs} runs of DAG ${options.dag}`,
        unit: 'runs',
        run: (retention) => ctx.store.keepLatestRuns({ ...retention, dagId: options.dag, keep: options.runs }),
      });
    }),
  );
}
