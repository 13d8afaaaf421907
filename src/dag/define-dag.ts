// Pure module: defining a DAG builds and validates it once, when the defining module loads.
import { createBuilder, DagBuildState, type DagBuilder } from './dag-builder';
import type { DagOptions } from './dag-options';
import type { ParamsSpec, ParamValues } from './params';
import type { DagSpec } from './spec';
import { validateDag } from './validate-dag';

/** A validated DAG: its options and its tasks as data. */
export interface DagDefinition {
  readonly dagId: string;
  readonly options: DagOptions;
  readonly spec: DagSpec;
  /** Problems reported as warnings (for example non-upstream pulls with `nonUpstreamPulls: 'warn'`). */
  readonly warnings: readonly string[];
}

/**
 * Defines a DAG, TaskFlow style. `build` runs right away (so a broken DAG fails when its module loads, before
 * anything runs) and must be pure: the same tasks every time, as workflow code must be.
 *
 * ```ts
 * export const etl = defineDag({ dagId: 'etl', params: { table: 'sales' } }, (dag) => {
 *   const t = dag.tasks<typeof activities>({ retries: 2 });
 *   t.load(t.transform(t.extract()), dag.params.table);
 * });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no params: `dag.params` has no keys
export function defineDag<S extends ParamsSpec = {}>(options: DagOptions & { readonly params?: S }, build: (dag: DagBuilder<ParamValues<S>>) => void): DagDefinition {
  const state = new DagBuildState(options);
  build(createBuilder(state) as DagBuilder<ParamValues<S>>);
  const spec = state.finish();
  const { warnings } = validateDag(spec, options);
  return { dagId: options.dagId, options, spec, warnings };
}
