import type { Command } from 'commander';
import type { SqlEngine } from '../../engines/sql-engine';
import { MASKED_TEXT, maskFromEnv, noMask } from '../../masking/sensitive-names';
import { quoteSchema } from '../../migrations/schema-name';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { noteNextPage, pageOptions, type PageOptions } from '../page-options';
import {
  inputsCursorArg,
  inputsPage,
  lineageCursorArg,
  lineagePage,
  type InputsCursor,
  type LineageCursor,
  type LineagePage,
  type LineageRead,
} from '../queries/lineage-page';
import { UsageError } from '../usage-error';

/** A cursor of either direction: which one it is must match `--upstream`. */
type AnyCursor = { readonly downstream: LineageCursor } | { readonly upstream: InputsCursor };

interface LineageOptions extends PageOptions<AnyCursor> {
  readonly dag: string;
  readonly run: string;
  readonly task?: string;
  readonly mapIndex?: number;
  readonly key?: string;
  readonly upstream?: boolean;
  readonly mask: boolean;
}

function anyCursorArg(raw: string): AnyCursor {
  try {
    return { downstream: lineageCursorArg(raw) };
  } catch (err) {
    try {
      return { upstream: inputsCursorArg(raw) };
    } catch {
      throw err;
    }
  }
}

export function registerLineage(program: Command, io: CliIo): void {
  const command = program
    .command('lineage')
    .summary("who read a run's XComs")
    .description(
      "consumption lineage: for each entry version (key and sha256) of a run, or of one task, the task attempts that " +
        "read it and when (recorded when the reading attempt commits; a failed attempt's reads when it fails); with " +
        "--upstream, the other way: the entry versions the run's (or the task's) attempts read, from any DAG or run",
    )
    .requiredOption('--dag <id>', 'the DAG')
    .requiredOption('--run <id>', 'the run')
    .option('--task <id>', "only this task's XComs (with --upstream: only what this task read)")
    .option('--map-index <n>', 'only this map index (-1: not mapped)', integerArg('--map-index', -1))
    .option('--key <key>', 'only this key (not with --upstream)')
    .option('--upstream', "what the run's tasks read, instead of who read its XComs")
    .option('--no-mask', "show the digests of values under sensitive names (Airflow's list: password, token, secret, …, and XCOM_SENSITIVE_NAMES)");
  pageOptions(command, 'reads', 100, anyCursorArg).action(
    withStore(io, async ({ store, output }, options: LineageOptions) => {
      const page = await readsOf(store.engine, quoteSchema(store.schema), options);
      // A digest identifies a small value as well as the value does (a short password can be found from it).
      const mask = options.mask ? maskFromEnv(io.env) : noMask;
      const reads = page.reads.map((r): LineageRead => (mask([r.key]) ? { ...r, digest: MASKED_TEXT } : r));
      const scope = `dag=${options.dag} run=${options.run}${options.task === undefined ? '' : ` task=${options.task}`}`;
      output.list(
        reads,
        () => (options.upstream ? upstreamTable(reads, options) : downstreamTable(reads, options)),
        options.upstream ? `no recorded reads by ${scope}` : `no recorded reads of ${scope}`,
      );
      noteNextPage(output, page.next);
    }),
  );
}

function readsOf(engine: SqlEngine, schema: string, options: LineageOptions): Promise<LineagePage> {
  const { dag: dagId, run: runId, task: taskId, mapIndex, limit, after } = options;
  if (options.upstream) {
    if (options.key !== undefined) throw new UsageError('--key filters the XComs of the run; with --upstream, filter by --task');
    if (after && !('upstream' in after)) throw new UsageError("--after: a cursor of 'xcom lineage' without --upstream");
    return inputsPage(engine, schema, { dagId, runId, taskId, mapIndex, limit, after: after?.upstream });
  }
  if (after && !('downstream' in after)) throw new UsageError("--after: a cursor of 'xcom lineage --upstream': pass --upstream");
  return lineagePage(engine, schema, { dagId, runId, taskId, mapIndex, key: options.key, limit, after: after?.downstream });
}

/** Who read the run's XComs: by entry version. */
function downstreamTable(reads: readonly LineageRead[], listed: LineageOptions) {
  return {
    columns: ['task_id', 'map_index', 'key', 'sha256', 'read_by', 'attempt', 'outcome', 'read_at'],
    rows: reads.map((r) => [
      r.taskId,
      String(r.mapIndex),
      r.key,
      r.digest.slice(0, 12),
      instanceLabel(r.reader, listed),
      String(r.reader.attempt),
      r.reader.outcome,
      r.readAt.toISOString(),
    ]),
  };
}

/** What the run's tasks read: by reading task. */
function upstreamTable(reads: readonly LineageRead[], listed: LineageOptions) {
  return {
    columns: ['task_id', 'map_index', 'attempt', 'outcome', 'read', 'key', 'sha256', 'read_at'],
    rows: reads.map((r) => [
      r.reader.taskId,
      String(r.reader.mapIndex),
      String(r.reader.attempt),
      r.reader.outcome,
      instanceLabel(r, listed),
      r.key,
      r.digest.slice(0, 12),
      r.readAt.toISOString(),
    ]),
  };
}

/** A task instance: `task[map]`, prefixed with its DAG and run when they are not the ones listed. */
function instanceLabel(
  instance: { dagId: string; runId: string; taskId: string; mapIndex: number },
  listed: { dag: string; run: string },
): string {
  const { dagId, runId, taskId, mapIndex } = instance;
  const task = mapIndex >= 0 ? `${taskId}[${mapIndex}]` : taskId;
  if (dagId === listed.dag && runId === listed.run) return task;
  return `${dagId}/${runId}/${task}`;
}
