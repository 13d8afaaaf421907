import type { Command } from 'commander';
import { Option } from 'commander';
import { quoteSchema } from '../../migrations/schema-name';
import type { LedgerRecord } from '../../store/types';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { noteNextPage, pageOptions, type PageOptions } from '../page-options';
import { ledgerCursorArg, ledgerPage, type LedgerCursor } from '../queries/ledger-page';

const OUTCOMES = ['written', 'fenced', 'superseded', 'deleted', 'discarded'] as const;

interface LedgerOptions extends PageOptions<LedgerCursor> {
  readonly dag: string;
  readonly run: string;
  readonly task?: string;
  readonly mapIndex?: number;
  readonly key?: string;
  readonly outcome?: LedgerRecord['outcome'];
}

export function registerLedger(program: Command, io: CliIo): void {
  const command = program
    .command('ledger')
    .summary("a run's attempt ledger")
    .description("a run's attempt ledger in the order it was written: what each attempt wrote, and whether it won")
    .requiredOption('--dag <id>', 'the DAG')
    .requiredOption('--run <id>', 'the run')
    .option('--task <id>', 'only this task')
    .option('--map-index <n>', 'only this map index (-1: not mapped)', integerArg('--map-index', -1))
    .option('--key <key>', 'only this key')
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(OUTCOMES));
  pageOptions(command, 'ledger rows', 100, ledgerCursorArg).action(
    withStore(io, async ({ store, output }, options: LedgerOptions) => {
      const page = await ledgerPage(store.engine, quoteSchema(store.schema), {
        dagId: options.dag,
        runId: options.run,
        taskId: options.task,
        mapIndex: options.mapIndex,
        key: options.key,
        outcome: options.outcome,
        limit: options.limit,
        after: options.after,
      });
      output.list(
        page.records,
        () => ({
          columns: ['id', 'task_id', 'map_index', 'key', 'attempt', 'outcome', 'size', 'recorded_at'],
          rows: page.records.map((r) => [
            String(r.id),
            r.taskId,
            String(r.mapIndex),
            r.key,
            String(r.attempt),
            r.outcome,
            r.sizeBytes === null ? '' : String(r.sizeBytes),
            r.recordedAt.toISOString(),
          ]),
        }),
        `no ledger rows for dag=${options.dag} run=${options.run}`,
      );
      noteNextPage(output, page.next);
    }),
  );
}
