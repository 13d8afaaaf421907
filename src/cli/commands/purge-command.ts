import type { Command } from 'commander';
import { collect, cutoffArg, integerArg, type Cutoff } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { runRetention, type DestructiveFlags } from '../retention/run-retention';
import { destructiveOptions } from './destructive-options';

interface PurgeOptions extends DestructiveFlags {
  readonly olderThan: Cutoff;
  readonly dag?: readonly string[];
  readonly batchSize?: number;
}

export function registerPurge(program: Command, io: CliIo): void {
  const command = program
    .command('purge')
    .summary('remove runs older than a cutoff')
    .description(
      'remove runs older than a cutoff (by logical date, else creation time), then entries past their own retention; ' +
        "entries with a longer retention ('forever', a longer duration) are kept",
    )
    .requiredOption('--older-than <age|date>', "a duration back from now ('7d', '12h') or a date ('2024-06-01')", cutoffArg('--older-than'))
    .option('--dag <id>', 'only this DAG (repeat for several)', collect)
    .option('--batch-size <n>', 'runs per transaction (default 50)', integerArg('--batch-size', 1, 10_000));
  destructiveOptions(command).action(
    withStore(io, async (ctx, options: PurgeOptions) => {
      const dags = options.dag?.length ? `of DAG ${options.dag.join(', ')}` : 'of every DAG';
      await runRetention(ctx, options, {
        command: 'purge',
        scope: `the runs ${dags} older than ${options.olderThan.text} (before ${options.olderThan.at.toISOString()})`,
        unit: 'runs',
        run: (retention) =>
          ctx.store.purge({
            ...retention,
            olderThan: options.olderThan.at,
            ...(options.dag?.length && { dagId: options.dag }),
            ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
          }),
      });
    }),
  );
}
