/** What workflow code that imports the Node entry (`temporal-xcom`) is told, at bundle time or when it loads. */
export const NODE_ENTRY_IN_WORKFLOW_MESSAGE =
  "temporal-xcom: workflow code imports 'temporal-xcom', the Node entry (plugin, store, client, activity API), " +
  "which cannot run in the workflow sandbox. Import from 'temporal-xcom/workflow' in workflow code " +
  "(and use `import type` for activity signatures).";
