import type { Command } from 'commander';
import { codecFor } from '../../config/open-store';
import { quoteSchema } from '../../migrations/schema-name';
import { entryMetaFromRow } from '../../store/entry-rows';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { ENTRY_COLUMNS, entryCells } from '../entry-cells';
import { noteNextPage, pageOptions, type PageOptions } from '../page-options';
import { maskFromEnv, noMask } from '../../masking/sensitive-names';
import { entryPreview } from '../preview';
import { utcTextToIso } from '../utc-text';
import { entryCursorArg, entryPage, listingPage, type EntryCursor, type EntryPageRequest } from '../queries/entry-page';

interface ListOptions extends PageOptions<EntryCursor> {
  readonly dag?: string;
  readonly run?: string;
  readonly task?: string;
  readonly key?: string;
  readonly mapIndex?: number;
  readonly previewChars: number;
  readonly mask: boolean;
}

export function registerList(program: Command, io: CliIo): void {
  const command = program
    .command('list')
    .summary('entries with value previews, newest run first')
    .description('entries, newest run first, with a short preview of each value')
    .option('--dag <id>', 'only this DAG')
    .option('--run <id>', 'only this run')
    .option('--task <id>', 'only this task')
    .option('--key <key>', 'only this key')
    .option('--map-index <n>', 'only this map index (-1: not mapped)', integerArg('--map-index', -1))
    .option('--preview-chars <n>', 'characters of each value to show', integerArg('--preview-chars', 1), 40)
    .option('--no-mask', "show values under sensitive names (Airflow's list: password, token, secret, …, and XCOM_SENSITIVE_NAMES)");
  pageOptions(command, 'entries', 50, entryCursorArg).action(
    withStore(io, async ({ store, config, output }, options: ListOptions) => {
      const request: EntryPageRequest = {
        dagId: options.dag,
        runId: options.run,
        taskId: options.task,
        key: options.key,
        mapIndex: options.mapIndex,
        limit: options.limit,
        after: options.after,
      };
      const schema = quoteSchema(store.schema);
      // Previews only decode inline values (no object is fetched); encrypted ones need the configured keys.
      const codec = codecFor(config, store.engine);
      const mask = options.mask ? maskFromEnv(io.env) : noMask;
      const preview = (row: Parameters<typeof entryPreview>[1], location: Parameters<typeof entryPreview>[2]) =>
        entryPreview(codec, row, location, options.previewChars, mask);
      if (output.format === 'table') {
        // A table reads only the columns it shows (half the cost of full rows); documents carry every field.
        const page = await listingPage(store.engine, schema, request);
        const location = (r: (typeof page.rows)[number]) => ({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id, mapIndex: r.map_index, key: r.key });
        const rows = await Promise.all(
          page.rows.map(async (r) => [
            r.dag_id,
            r.run_id,
            r.task_id,
            String(r.map_index),
            r.key,
            String(r.attempt),
            String(r.size_bytes),
            r.inline_value === null ? 'object' : 'inline',
            utcTextToIso(r.updated_at),
            await preview(r, location(r)),
          ]),
        );
        output.list(rows, () => ({ columns: ['dag_id', 'run_id', ...ENTRY_COLUMNS, 'updated_at', 'value'], rows }), 'no XCom entries match');
        return noteNextPage(output, page.next);
      }
      const page = await entryPage(store.engine, schema, request);
      const items = await Promise.all(
        page.rows.map(async (row) => {
          const meta = entryMetaFromRow(row);
          return { ...meta, preview: await preview(row, meta) };
        }),
      );
      output.list(
        items,
        () => ({
          columns: ['dag_id', 'run_id', ...ENTRY_COLUMNS, 'updated_at', 'value'],
          rows: items.map((e) => [e.dagId, e.runId, ...entryCells(e), e.updatedAt.toISOString(), e.preview]),
        }),
        'no XCom entries match',
      );
      noteNextPage(output, page.next);
    }),
  );
}
