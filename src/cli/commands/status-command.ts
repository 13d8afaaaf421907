import type { Command } from 'commander';
import { describeStore } from '../../config/describe-store';
import { schemaStatus } from '../../migrations/migrate';
import { durationArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { formatCount } from '../output/human-units';
import type { RowCount } from '../queries/bounded-count';
import { checkObjectStore } from '../status/check-object-store';
import { EXACT_COUNT_LIMIT, storeCounts } from '../status/store-counts';

interface StatusOptions {
  readonly exact?: boolean;
  readonly timeout: number;
}

export function registerStatus(program: Command, io: CliIo): void {
  program
    .command('status')
    .summary('engine, object store check, schema, counts')
    .description('engine, object store (checked), schema version and row counts; exit status 1 when the object store is not usable')
    .option('--exact', `count every row (above ${formatCount(EXACT_COUNT_LIMIT)} rows the counts are estimates)`)
    .option('--timeout <duration>', 'how long to wait for the object store', durationArg('--timeout'), 10_000)
    .action(
      withStore(io, async ({ store, config, output }, options: StatusOptions) => {
        const schema = await schemaStatus(store.engine, { schema: config.schema });
        const check = await checkObjectStore(store.objectStore, options.timeout);
        const zero = { value: 0, estimated: false };
        const counts = schema.version > 0 ? await storeCounts(store, options.exact ?? false) : { runs: zero, entries: zero, objects: zero };
        const status = {
          engine: store.engine.description,
          objectStore: store.objectStore.description,
          objectStoreCheck: check,
          schema: schema.schema,
          version: schema.version,
          latest: schema.latest,
          pending: schema.pending,
          runs: counts.runs.value,
          entries: counts.entries.value,
          objects: counts.objects.value,
          estimated: (['runs', 'entries', 'objects'] as const).filter((name) => counts[name].estimated),
          warning: describeStore(config).degraded,
        };
        output.document(status, () => [
          `engine        ${status.engine}`,
          `object store  ${status.objectStore}: ${check.ok ? 'reachable' : `NOT USABLE: ${check.error}`}`,
          `schema        ${status.schema} at version ${status.version} of ${status.latest}` +
            (status.pending.length ? ` (pending: ${status.pending.join(', ')}; run xcom migrate)` : ''),
          `dag runs      ${shown(counts.runs)}`,
          `entries       ${shown(counts.entries)} (${shown(counts.objects)} in the object store)`,
          ...(status.estimated.length ? ['(~ marks an estimate from table statistics; --exact counts every row)'] : []),
          ...(status.warning ? [`warning       ${status.warning.replace(/^temporal-xcom: /, '')}`] : []),
        ]);
        if (!check.ok) throw new Error(`the object store ${status.objectStore} is not usable: ${check.error}`);
      }),
    );
}

function shown(count: RowCount): string {
  return `${count.estimated ? '~' : ''}${formatCount(count.value)}`;
}
