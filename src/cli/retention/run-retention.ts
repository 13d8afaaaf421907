import { cliActor } from '../../audit/cli-actor';
import type { RetentionOptions, RetentionProgress, RetentionResult } from '../../store/retention/types';
import type { CommandContext } from '../command-context';
import { confirm } from '../interactive/confirm';
import { ProgressBar } from '../interactive/progress-bar';
import { formatBytes, formatCount } from '../output/human-units';
import { UsageError } from '../usage-error';
import { describeRetention, removesNothing, retentionLines } from './retention-summary';

/** A retention operation as a destructive command runs it: once as a dry run to count, then for real. */
export interface RetentionTask {
  /** The command's name, for messages. */
  readonly command: string;
  /** What it removes, e.g. "runs of DAG etl older than 7d": the question asked is "Remove <scope>?". */
  readonly scope: string;
  /** What the progress bar counts. */
  readonly unit: 'runs' | 'entries' | 'batches';
  readonly run: (options: RetentionOptions) => Promise<RetentionResult>;
}

export interface DestructiveFlags {
  readonly yes?: boolean;
  readonly dryRun?: boolean;
}

/** Thrown when the person at the terminal says no: nothing was removed, and the exit status says so. */
export class DeclinedError extends Error {
  override readonly name = 'DeclinedError';
}

/**
 * Runs a destructive command: `--dry-run` only counts; otherwise a person at a terminal is shown what would go and
 * asked (unless `--yes`), and a run without a terminal needs `--yes` (no one could answer, so it refuses rather
 * than hang). Progress shows on a terminal; the summary is printed in the chosen output format.
 */
export async function runRetention(ctx: CommandContext, flags: DestructiveFlags, task: RetentionTask): Promise<void> {
  const { io, output } = ctx;
  if (flags.dryRun) {
    const planned = await task.run({ dryRun: true });
    return output.document(planned, () => retentionLines(planned));
  }
  if (!flags.yes && !io.interactive) {
    throw new UsageError(
      `xcom ${task.command} removes data and asks first, but there is no terminal to ask on: pass --yes to go ahead, ` +
        `or --dry-run to see what it would remove`,
    );
  }
  let total: number | undefined;
  if (!flags.yes || io.terminal) {
    const planned = await task.run({ dryRun: true });
    if (!flags.yes) {
      if (removesNothing(planned)) return output.document({ ...planned, dryRun: false }, () => ['nothing to remove']);
      io.err(`${describeRetention(planned)}${planned.kept > 0 ? ` (keeping ${formatCount(planned.kept)} entries with a longer retention)` : ''}.\n`);
      if (!(await confirm(`Remove ${task.scope}?`))) throw new DeclinedError('nothing was removed');
    }
    total = task.unit === 'runs' ? planned.runs : task.unit === 'entries' ? planned.entries : undefined;
  }
  const bar = io.terminal && new ProgressBar(io.terminal, task.command, task.unit, total);
  let progress: RetentionProgress | undefined;
  let batches = 0;
  const onProgress = (p: RetentionProgress) => {
    progress = p;
    batches++;
    if (!bar) return;
    if (task.unit === 'batches') return bar.update(batches);
    const done = task.unit === 'runs' ? p.runs : p.entries;
    const detail = task.unit === 'runs' ? `${formatCount(p.entries)} entries  ${formatBytes(p.bytes)}` : formatBytes(p.bytes);
    bar.update(done, detail);
  };
  let result: RetentionResult;
  try {
    result = await task.run({ onProgress, actor: cliActor(task.command) });
  } catch (err) {
    if (bar) bar.finish();
    if (progress && (progress.runs > 0 || progress.entries > 0)) {
      io.err(`xcom: ${task.command} failed after removing ${formatCount(progress.runs)} runs and ${formatCount(progress.entries)} entries\n`);
    }
    throw err;
  }
  if (bar) bar.finish();
  output.document(result, () => retentionLines(result));
}
