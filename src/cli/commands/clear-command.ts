import type { Command } from 'commander';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { runRetention, type DestructiveFlags, type RetentionTask } from '../retention/run-retention';
import { UsageError } from '../usage-error';
import type { XComStore } from '../../store/xcom-store';
import { destructiveOptions } from './destructive-options';

interface ClearOptions extends DestructiveFlags {
  readonly dag: string;
  readonly run?: string;
  readonly task?: string;
  readonly mapIndex?: number;
}

export function registerClear(program: Command, io: CliIo): void {
  const command = program
    .command('clear')
    .summary('remove a DAG, a run, or a task in a run')
    .description("remove a DAG's runs, one run, or one task's entries in a run, whatever their retention")
    .requiredOption('--dag <id>', 'the DAG (alone: every run of it)')
    .option('--run <id>', 'only this run')
    .option('--task <id>', "only this task's entries in --run")
    .option('--map-index <n>', 'only this mapped instance of --task', integerArg('--map-index', -1));
  destructiveOptions(command).action(
    withStore(
      io,
      async (ctx, options: ClearOptions) => {
        await runRetention(ctx, options, clearTask(ctx.store, options));
      },
      checkScope,
    ),
  );
}

function checkScope(o: ClearOptions): void {
  if (o.task !== undefined && o.run === undefined) throw new UsageError('xcom clear --task needs --run (the run whose task to clear)');
  if (o.mapIndex !== undefined && o.task === undefined) throw new UsageError('xcom clear --map-index needs --task');
}

/** The narrowest scope the flags name: a mapped instance, a task, a run, or the whole DAG. */
function clearTask(store: XComStore, o: ClearOptions): RetentionTask {
  if (o.task !== undefined) {
    const instance = o.mapIndex === undefined ? '' : ` [map index ${o.mapIndex}]`;
    return {
      command: 'clear',
      scope: `the entries of task ${o.task}${instance} in run ${o.run!} of DAG ${o.dag}`,
      unit: 'entries',
      run: (retention) => store.clearTask({ ...retention, dagId: o.dag, runId: o.run!, taskId: o.task!, mapIndex: o.mapIndex }),
    };
  }
  if (o.run !== undefined) {
    return {
      command: 'clear',
      scope: `run ${o.run} of DAG ${o.dag} (its entries and ledger)`,
      unit: 'runs',
      run: (retention) => store.clearRun({ dagId: o.dag, runId: o.run! }, retention),
    };
  }
  return {
    command: 'clear',
    scope: `every run of DAG ${o.dag} (their entries and ledger)`,
    unit: 'runs',
    run: (retention) => store.clearDag(o.dag, retention),
  };
}
