import type { Command } from 'commander';
import { RETURN_VALUE_KEY } from '../../store/identity';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { maskFromEnv, noMask } from '../../masking/sensitive-names';
import { maskValue } from '../../masking/mask-value';
import { previewValue } from '../preview';
import { describeExclusive } from '../../store/exclusive/describe-exclusive';

interface GetOptions {
  readonly dag: string;
  readonly run: string;
  readonly task: string;
  readonly key: string;
  readonly mapIndex: number;
  readonly full?: boolean;
  readonly maxChars: number;
  readonly mask: boolean;
}

export function registerGet(program: Command, io: CliIo): void {
  program
    .command('get')
    .summary('one XCom and its value')
    .description('one XCom: its metadata and value (the whole value in the machine formats)')
    .requiredOption('--dag <id>', 'the DAG')
    .requiredOption('--run <id>', 'the run')
    .requiredOption('--task <id>', 'the task')
    .option('--key <key>', 'the key', RETURN_VALUE_KEY)
    .option('--map-index <n>', 'the mapped instance (-1: not mapped)', integerArg('--map-index', -1), -1)
    .option('--full', 'show the whole value in the table format')
    .option('--max-chars <n>', 'characters of the value to show in the table format', integerArg('--max-chars', 1), 2000)
    .option('--no-mask', "show values under sensitive names (Airflow's list: password, token, secret, …, and XCOM_SENSITIVE_NAMES)")
    .action(
      withStore(io, async ({ store, output }, options: GetOptions) => {
        const identity = { dagId: options.dag, runId: options.run, taskId: options.task, mapIndex: options.mapIndex, key: options.key };
        const found = await store.get(identity);
        if (!found) {
          throw new Error(
            `no XCom for dag=${identity.dagId} run=${identity.runId} task=${identity.taskId} map_index=${identity.mapIndex} key=${identity.key}`,
          );
        }
        const record = { ...found, value: maskValue(found.key, found.value, options.mask ? maskFromEnv(io.env) : noMask) };
        output.document(record, () => [
          `${record.dagId} / ${record.runId} / ${record.taskId}${record.mapIndex >= 0 ? `[${record.mapIndex}]` : ''} : ${record.key}`,
          `attempt ${record.attempt}, ${record.sizeBytes} bytes (${record.encoding}, ${record.objectKey === null ? 'inline' : `object ${record.objectKey}`}), sha256 ${record.digest}`,
          `written ${record.updatedAt.toISOString()}${record.logicalDate ? `, logical date ${record.logicalDate.toISOString()}` : ''}`,
          ...exclusiveLine(record),
          previewValue(record.value, options.maxChars, options.full ?? false),
        ]);
      }),
    );
}

/** The key's exclusivity, when its push declared one (docs/exclusive-xcoms.md). */
function exclusiveLine(record: Parameters<typeof describeExclusive>[0]): string[] {
  const described = describeExclusive(record);
  return described === undefined ? [] : [`exclusive: ${described}`];
}
