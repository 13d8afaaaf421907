import type { Command } from 'commander';
import { migrate } from '../../migrations/migrate';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';

export function registerMigrate(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .summary('create or upgrade the schema')
    .description('create or upgrade the schema (pending migrations, under a lock; refuses a newer breaking schema)')
    .action(
      withStore(io, async ({ store, config, output }) => {
        const result = await migrate(store.engine, { schema: config.schema });
        output.document(result, () =>
          result.applied.length === 0
            ? [`schema '${config.schema}' is up to date at version ${result.toVersion} (${store.engine.description})`]
            : [
                `schema '${config.schema}': version ${result.fromVersion} -> ${result.toVersion} (${store.engine.description})`,
                ...result.applied.map((name) => `  applied ${name}`),
              ],
        );
      }),
    );
}
