import type { Command } from 'commander';
import { integerArg } from './cli-options';
import type { Output } from './output/output';

/** The largest page any listing returns: pages stay cheap, and `--after` walks further. */
export const MAX_PAGE = 1000;

export interface PageOptions<C = string> {
  readonly limit: number;
  readonly after?: C;
}

/** `--limit` and `--after` (checked by `parseCursor` when the listing has its own cursors), the keyset page flags. */
export function pageOptions(command: Command, what: string, defaultLimit: number, parseCursor?: (raw: string) => unknown): Command {
  const after = 'the page after this cursor (printed with the previous page)';
  command.option('--limit <n>', `${what} per page (1..${MAX_PAGE})`, integerArg('--limit', 1, MAX_PAGE), defaultLimit);
  return parseCursor ? command.option('--after <cursor>', after, parseCursor) : command.option('--after <cursor>', after);
}

/** Tells how to get the next page (under a table, or on stderr beside a document). */
export function noteNextPage(output: Output, next: string | undefined): void {
  if (next !== undefined) output.note(`next page: --after ${next}`);
}
