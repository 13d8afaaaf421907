import type { Command } from 'commander';
import { quoteSchema } from '../../migrations/schema-name';
import { listRunDates } from '../../store/retention/list-runs';
import type { DagRunSummary, ListedRun, RunPage } from '../../store/retention/types';
import { dateArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { formatBytes } from '../output/human-units';
import { noteNextPage, pageOptions, type PageOptions } from '../page-options';

interface RunsOptions extends PageOptions {
  readonly dag?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly sizes: boolean;
}

export function registerRuns(program: Command, io: CliIo): void {
  const command = program
    .command('runs')
    .summary('DAG runs, newest first')
    .description('DAG runs newest first (by logical date, else creation time); with --sizes, their entries and stored bytes')
    .option('--dag <id>', 'only this DAG')
    .option('--from <date>', 'runs at or after this date', dateArg('--from'))
    .option('--to <date>', 'runs before this date', dateArg('--to'))
    .option('--sizes', "each run's entries and stored bytes (counts every entry of the runs listed)", false);
  pageOptions(command, 'runs', 50).action(
    withStore(io, async ({ store, output }, options: RunsOptions) => {
      const request = { dagId: options.dag, from: options.from, to: options.to, limit: options.limit, after: options.after };
      // Sizes only when asked: counting each run's entries costs several times the listing (BENCHMARKS.md, bench:scale).
      const page: RunPage<ListedRun | DagRunSummary> = options.sizes
        ? await store.listRuns(request)
        : await listRunDates(store.engine, quoteSchema(store.schema), request);
      const sized = (run: ListedRun | DagRunSummary) => ('entries' in run ? [String(run.entries), formatBytes(run.bytes)] : []);
      output.list(
        page.runs,
        () => ({
          columns: ['dag_id', 'run_id', 'logical_date', 'created_at', ...(options.sizes ? ['entries', 'stored'] : [])],
          rows: page.runs.map((r) => [r.dagId, r.runId, r.logicalDate?.toISOString() ?? '', r.createdAt.toISOString(), ...sized(r)]),
        }),
        options.dag === undefined ? 'no DAG runs' : `no runs of DAG ${options.dag}`,
      );
      noteNextPage(output, page.next);
    }),
  );
}
