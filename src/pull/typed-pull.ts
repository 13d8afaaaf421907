import type { PullOptions } from './pull-options';

/** Pull options without `default`: each overload of `TypedPull` says what `default` may be. */
type Base<O> = Omit<O, 'default'>;
/** The argument list: optional when every option is (an activity pulling its own task), required otherwise. */
type Args<O> = object extends Base<O> ? [options?: Base<O> & { readonly default?: null }] : [options: Base<O> & { readonly default?: null }];

/**
 * How a pull is typed for its callers. Airflow's `xcom_pull` gives `None` for a missing value, so does ours: the
 * result is `T | null` unless a `default` of type `T` stands in for a miss. A list of task ids always gives a list
 * (a miss is an element), so `T` is the list's type there.
 */
export interface TypedPull<O extends PullOptions> {
  <T = unknown>(options: Base<O> & { readonly taskIds: readonly string[]; readonly default?: unknown }): Promise<T>;
  <T = unknown>(options: Base<O> & { readonly default: T }): Promise<T>;
  <T = unknown>(...args: Args<O>): Promise<T | null>;
  /** Options passed through whole (`default` of any type): the result is whatever was stored or given. */
  (options: O): Promise<unknown>;
}
