import { ADVANCED_XCOM_PATTERNS } from '../workflows/advanced-xcom-patterns';

export interface DemoDag {
  readonly dagId: string;
  /** Workflow type name exported by workflows/index.ts. */
  readonly workflow: string;
}

export const DEMO_DAGS: readonly DemoDag[] = [{ dagId: ADVANCED_XCOM_PATTERNS, workflow: 'advancedXComPatterns' }];

/** `--dag <id>` picks a DAG; the first one by default. */
export function pickDemoDag(argv: readonly string[]): DemoDag {
  const at = argv.indexOf('--dag');
  if (at < 0) return DEMO_DAGS[0]!;
  const wanted = argv[at + 1];
  const dag = DEMO_DAGS.find((d) => d.dagId === wanted);
  if (!dag) throw new Error(`unknown DAG '${wanted ?? ''}' for --dag`);
  return dag;
}
