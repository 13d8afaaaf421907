import type { AccessPolicy } from '../src/security/access-policy';

/**
 * What the example workflows need beyond the defaults (docs/access-policy.md). DAG-API examples need nothing: their
 * DAGs are registered with the plugin. Plain workflows that name their DAG with `setDagRun` need a write grant, and
 * a workflow that waits for or pulls another DAG's XComs needs a read grant, and one whose tasks delete other DAGs'
 * XComs (retention from activity code) a write grant for them.
 */
export const EXAMPLE_ACCESS_POLICY: AccessPolicy = {
  rules: [
    { name: 'advanced_xcom_patterns names its DAG', workflowTypes: ['advancedXComPatterns'], write: ['advanced_xcom_patterns'] },
    { name: 'cross-DAG demo: orders_etl names its DAG', workflowTypes: ['ordersEtl'], write: ['orders_etl'] },
    { name: 'cross-DAG demo: revenue_report waits for orders_etl', workflowTypes: ['revenueReport'], write: ['revenue_report'], read: ['orders_etl'] },
    // Retention from a task deletes other DAGs' XComs: the cleanup DAG purges every DAG by age.
    { name: 'xcom_cleanup_dag cleans up every DAG', workflowTypes: ['xcomCleanupDagWorkflow'], write: ['*'], read: ['*'] },
  ],
};
