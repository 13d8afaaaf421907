import type { Command } from 'commander';
import { MASKED_TEXT, maskFromEnv, noMask } from '../../masking/sensitive-names';
import { quoteSchema } from '../../migrations/schema-name';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { noteNextPage, pageOptions, type PageOptions } from '../page-options';
import { lineageCursorArg, lineagePage, type LineageCursor, type LineageRead } from '../queries/lineage-page';

interface LineageOptions extends PageOptions<LineageCursor> {
  readonly dag: string;
  readonly run: string;
  readonly task?: string;
  readonly mapIndex?: number;
  readonly key?: string;
  readonly mask: boolean;
}

export function registerLineage(program: Command, io: CliIo): void {
  const command = program
    .command('lineage')
    .summary("who read a run's XComs")
    .description(
      "consumption lineage: for each entry version (key and sha256) of a run, or of one task, the task attempts that " +
        'read it and when (recorded when the reading attempt commits; a failed attempt\'s reads when it fails)',
    )
    .requiredOption('--dag <id>', 'the DAG')
    .requiredOption('--run <id>', 'the run')
    .option('--task <id>', "only this task's XComs")
    .option('--map-index <n>', 'only this map index (-1: not mapped)', integerArg('--map-index', -1))
    .option('--key <key>', 'only this key')
    .option('--no-mask', "show the digests of values under sensitive names (Airflow's list: password, token, secret, …, and XCOM_SENSITIVE_NAMES)");
  pageOptions(command, 'reads', 100, lineageCursorArg).action(
    withStore(io, async ({ store, output }, options: LineageOptions) => {
      const page = await lineagePage(store.engine, quoteSchema(store.schema), {
        dagId: options.dag,
        runId: options.run,
        taskId: options.task,
        mapIndex: options.mapIndex,
        key: options.key,
        limit: options.limit,
        after: options.after,
      });
      // A digest identifies a small value as well as the value does (a short password can be found from it).
      const mask = options.mask ? maskFromEnv(io.env) : noMask;
      const reads = page.reads.map((r): LineageRead => (mask([r.key]) ? { ...r, digest: MASKED_TEXT } : r));
      output.list(
        reads,
        () => ({
          columns: ['task_id', 'map_index', 'key', 'sha256', 'read_by', 'attempt', 'outcome', 'read_at'],
          rows: reads.map((r) => [
            r.taskId,
            String(r.mapIndex),
            r.key,
            r.digest.slice(0, 12),
            readerLabel(r, options),
            String(r.reader.attempt),
            r.reader.outcome,
            r.readAt.toISOString(),
          ]),
        }),
        `no recorded reads of dag=${options.dag} run=${options.run}${options.task === undefined ? '' : ` task=${options.task}`}`,
      );
      noteNextPage(output, page.next);
    }),
  );
}

/** The reading task instance: `task[map]`, prefixed with its DAG and run when they are not the ones listed. */
function readerLabel(read: LineageRead, listed: { dag: string; run: string }): string {
  const { dagId, runId, taskId, mapIndex } = read.reader;
  const task = mapIndex >= 0 ? `${taskId}[${mapIndex}]` : taskId;
  if (dagId === listed.dag && runId === listed.run) return task;
  return `${dagId}/${runId}/${task}`;
}
