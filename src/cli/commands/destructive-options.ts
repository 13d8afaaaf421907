import type { Command } from 'commander';

/** `--yes` and `--dry-run`, which every command that removes data takes. */
export function destructiveOptions(command: Command): Command {
  return command
    .option('--dry-run', 'count what would be removed; remove nothing')
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal, e.g. in CI)');
}
