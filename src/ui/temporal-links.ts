/** Links into the Temporal Web UI, for a DAG run (a workflow id) and, when known, one execution of it. */
export interface TemporalLinks {
  workflow(workflowId: string, temporalRunId?: string): string;
}

/**
 * Links under `baseUrl` (`TEMPORAL_UI_URL`, e.g. http://localhost:8233) in `namespace`. With a Temporal run id the
 * link opens that execution's history; without one it lists the workflow id's executions (a DAG run that continued
 * as new has several).
 */
export function temporalLinks(baseUrl: string, namespace: string): TemporalLinks {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new Error(`TEMPORAL_UI_URL ${JSON.stringify(baseUrl)} is not a URL (expected something like http://localhost:8233)`);
  }
  const root = `${base.href.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows`;
  return {
    workflow(workflowId, temporalRunId) {
      if (temporalRunId !== undefined) return `${root}/${encodeURIComponent(workflowId)}/${encodeURIComponent(temporalRunId)}/history`;
      return `${root}?query=${encodeURIComponent(`WorkflowId="${workflowId.replace(/(["\\])/g, '\\$1')}"`)}`;
    },
  };
}
