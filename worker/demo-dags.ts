import { ADVANCED_XCOM_PATTERNS } from '../workflows/advanced-xcom-patterns';
import { advancedXComPatternsDag } from '../workflows/advanced-xcom-patterns-dag';
import { xcomCleanupDag } from '../workflows/xcom-cleanup-dag';
import { xcomTaskflowExampleDag } from '../workflows/xcom-taskflow-example';

export interface DemoDag {
  readonly dagId: string;
  /** Workflow type name exported by workflows/index.ts. */
  readonly workflow: string;
  readonly description: string;
  /** Makes the runs this DAG works on, before it runs (the cleanup DAG needs some to clean). */
  readonly prepare?: boolean;
}

export const DEMO_DAGS: readonly DemoDag[] = [
  { dagId: ADVANCED_XCOM_PATTERNS, workflow: 'advancedXComPatterns', description: 'plain workflow: pushes, pulls by key and task id, an aggregate' },
  { dagId: xcomTaskflowExampleDag.dagId, workflow: 'xcomTaskflowExample', description: 'DAG API (TaskFlow): extract -> transform -> validate -> load -> notify' },
  { dagId: advancedXComPatternsDag.dagId, workflow: 'advancedXComPatternsWithDagApi', description: 'advanced_xcom_patterns written with the DAG API' },
  {
    dagId: xcomCleanupDag.dagId,
    workflow: 'xcomCleanupDagWorkflow',
    description: 'retention: cleanup by age, keep the latest 10 runs, compress (on 14 runs it creates first)',
    prepare: true,
  },
];

/** `--dag <id>` picks a DAG; the first one by default. */
export function pickDemoDag(argv: readonly string[]): DemoDag {
  const at = argv.indexOf('--dag');
  if (at < 0) return DEMO_DAGS[0]!;
  const wanted = argv[at + 1];
  const dag = DEMO_DAGS.find((d) => d.dagId === wanted);
  if (!dag) throw new Error(`unknown DAG '${wanted ?? ''}' for --dag; choose one of: ${DEMO_DAGS.map((d) => d.dagId).join(', ')}`);
  return dag;
}
