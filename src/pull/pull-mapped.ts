import type { XComBackend } from '../store/backend';
import { RETURN_VALUE_KEY } from '../store/identity';
import { LazyXComSequence, type LazyXComSequenceOptions } from './lazy-xcom-sequence';
import type { PullCaller } from './pull-options';

export interface PullMappedOptions extends LazyXComSequenceOptions {
  readonly taskId: string;
  /** @default 'return_value' */
  readonly key?: string;
  /** @default the caller's DAG */
  readonly dagId?: string;
  /** @default the caller's run */
  readonly runId?: string;
}

/**
 * The mapped results of `taskId` as a lazy sequence, as Airflow resolves an XComArg of a mapped upstream: nothing
 * is read until the sequence is used.
 */
export function pullMapped<T = unknown>(
  store: XComBackend,
  caller: Pick<PullCaller, 'dagId' | 'runId'>,
  options: PullMappedOptions,
): LazyXComSequence<T> {
  const scope = {
    dagId: options.dagId ?? caller.dagId,
    runId: options.runId ?? caller.runId,
    taskId: options.taskId,
    key: options.key ?? RETURN_VALUE_KEY,
  };
  return new LazyXComSequence<T>(store, scope, options.batchSize === undefined ? {} : { batchSize: options.batchSize });
}
