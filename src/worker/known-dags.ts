import type { DagDefinition } from '../dag/define-dag';

/** A DAG a plugin in this process was given, and where its triggered runs go when its definition names no queue. */
export interface KnownDag {
  readonly dag: DagDefinition;
  readonly triggerTaskQueue?: string;
}

// Process-wide, because activity code (`xcom.triggerDagRun`) reaches neither the plugin nor its runtime. A DAG id
// registered twice keeps the later definition: one process runs one version of a DAG.
const known = new Map<string, KnownDag>();

/** Registers the DAGs of a plugin (called when its runtime is made). */
export function registerDags(dags: readonly DagDefinition[], triggerTaskQueue?: string): void {
  for (const dag of dags) known.set(dag.dagId, { dag, ...(triggerTaskQueue !== undefined && { triggerTaskQueue }) });
}

export function knownDag(dagId: string): KnownDag | undefined {
  return known.get(dagId);
}
