import { schemaStatus } from '../../migrations/migrate';
import { quoteSchema } from '../../migrations/schema-name';
import type { XComStore } from '../../store/xcom-store';
import type { CliOptions } from '../cli-options';

export async function statusCommand(store: XComStore, options: CliOptions, out: (line: string) => void): Promise<void> {
  const schema = await schemaStatus(store.engine, { schema: options.config.schema });
  const counts = schema.version > 0 ? await countRows(store) : { runs: 0, entries: 0, objects: 0 };
  const status = {
    engine: store.engine.description,
    objectStore: store.objectStore.description,
    schema: schema.schema,
    version: schema.version,
    latest: schema.latest,
    pending: schema.pending,
    ...counts,
  };
  if (options.json) return out(JSON.stringify(status));
  out(`engine        ${status.engine}`);
  out(`object store  ${status.objectStore}`);
  out(`schema        ${status.schema} at version ${status.version} of ${status.latest}` +
    (status.pending.length ? ` (pending: ${status.pending.join(', ')}; run xcom migrate)` : ''));
  out(`dag runs      ${status.runs}`);
  out(`entries       ${status.entries} (${status.objects} in the object store)`);
}

async function countRows(store: XComStore): Promise<{ runs: number; entries: number; objects: number }> {
  const s = quoteSchema(store.schema);
  const [row] = await store.engine.query<{ runs: number; entries: number; objects: number }>(
    `select (select count(*)::int from ${s}.dag_runs) as runs, (select count(*)::int from ${s}.entries) as entries,
            (select count(*)::int from ${s}.entries where object_key is not null) as objects`,
  );
  return row!;
}
