import type { SqlEngine } from '../../engines/sql-engine';
import { migrate } from '../../migrations/migrate';
import type { CliOptions } from '../cli-options';

export async function migrateCommand(engine: SqlEngine, options: CliOptions, out: (line: string) => void): Promise<void> {
  const result = await migrate(engine, { schema: options.config.schema });
  if (options.json) return out(JSON.stringify(result));
  if (result.applied.length === 0) {
    out(`schema '${options.config.schema}' is up to date at version ${result.toVersion} (${engine.description})`);
    return;
  }
  out(`schema '${options.config.schema}': version ${result.fromVersion} -> ${result.toVersion} (${engine.description})`);
  for (const name of result.applied) out(`  applied ${name}`);
}
