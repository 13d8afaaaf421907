import type { Command } from 'commander';
import { dateArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { formatBytes } from '../output/human-units';
import { noteNextPage, pageOptions, type PageOptions } from '../page-options';

interface RunsOptions extends PageOptions {
  readonly dag?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export function registerRuns(program: Command, io: CliIo): void {
  const command = program
    .command('runs')
    .summary('DAG runs, newest first')
    .description('DAG runs newest first (by logical date, else creation time), with their entries and stored bytes')
    .option('--dag <id>', 'only this DAG')
    .option('--from <date>', 'runs at or after this date', dateArg('--from'))
    .option('--to <date>', 'runs before this date', dateArg('--to'));
  pageOptions(command, 'runs', 50).action(
    withStore(io, async ({ store, output }, options: RunsOptions) => {
      const page = await store.listRuns({
        dagId: options.dag,
        from: options.from,
        to: options.to,
        limit: options.limit,
        after: options.after,
      });
      output.list(
        page.runs,
        () => ({
          columns: ['dag_id', 'run_id', 'logical_date', 'created_at', 'entries', 'stored'],
          rows: page.runs.map((r) => [
            r.dagId,
            r.runId,
            r.logicalDate?.toISOString() ?? '',
            r.createdAt.toISOString(),
            String(r.entries),
            formatBytes(r.bytes),
          ]),
        }),
        options.dag === undefined ? 'no DAG runs' : `no runs of DAG ${options.dag}`,
      );
      noteNextPage(output, page.next);
    }),
  );
}
