export { LazyXComSequence, type LazyXComSequenceOptions } from './lazy-xcom-sequence';
export { pullMapped, type PullMappedOptions } from './pull-mapped';
export {
  pendingOverlay,
  type PendingOverlay,
  type PendingValue,
  type PullCaller,
  type PullOptions,
} from './pull-options';
export { pullXCom } from './pull-xcom';
