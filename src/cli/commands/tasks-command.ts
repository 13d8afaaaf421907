import type { Command } from 'commander';
import { quoteSchema } from '../../migrations/schema-name';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { formatBytes } from '../output/human-units';
import { noteNextPage, pageOptions, type PageOptions } from '../page-options';
import { taskCursorArg, taskStatePage, type TaskCursor } from '../queries/task-states';
import { ledgerSummary, taskInstanceItem } from '../task-state';

interface TasksOptions extends PageOptions<TaskCursor> {
  readonly dag: string;
  readonly run: string;
  readonly task?: string;
}

export function registerTasks(program: Command, io: CliIo): void {
  const command = program
    .command('tasks')
    .summary('task instance states of a run')
    .description(
      "the task instances of a run and their states, from their owners and the ledger (like airflow's tasks " +
        'states-for-dag-run): success, cleared, failed (an attempt failed after pushing), external (written by a client)',
    )
    .requiredOption('--dag <id>', 'the DAG')
    .requiredOption('--run <id>', 'the run')
    .option('--task <id>', 'only this task (all its mapped instances)');
  pageOptions(command, 'task instances', 100, taskCursorArg).action(
    withStore(io, async ({ store, output }, options: TasksOptions) => {
      const page = await taskStatePage(store.engine, quoteSchema(store.schema), {
        dagId: options.dag,
        runId: options.run,
        taskId: options.task,
        limit: options.limit,
        after: options.after,
      });
      const items = page.rows.map((row) => ({
        dagId: options.dag,
        runId: options.run,
        ...taskInstanceItem(row),
        ledgerSummary: ledgerSummary(row),
      }));
      output.list(
        items.map(({ ledgerSummary: _summary, ...item }) => item),
        () => ({
          columns: ['task_id', 'map_index', 'state', 'attempt', 'keys', 'stored', 'committed_at', 'ledger'],
          rows: items.map((t) => [
            t.taskId,
            String(t.mapIndex),
            t.state,
            t.attempt === null ? '' : String(t.attempt),
            String(t.keys),
            formatBytes(t.storedBytes),
            t.committedAt?.toISOString() ?? '',
            t.ledgerSummary,
          ]),
        }),
        `no task instances recorded for dag=${options.dag} run=${options.run}`,
      );
      noteNextPage(output, page.next);
    }),
  );
}
