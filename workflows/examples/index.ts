// Airflow's own example DAGs, ported to the DAG API: their workflows, and their definitions for the plugin.
import { exampleBranchOperatorDecoratorDag } from './example-branch-operator-decorator';
import { exampleDynamicTaskMappingDag, exampleTaskMappingSecondOrderDag } from './example-dynamic-task-mapping';
import { exampleSkipDag } from './example-skip-dag';
import { exampleTriggerControllerDag } from './example-trigger-controller-dag';
import { exampleTriggerTargetDag } from './example-trigger-target-dag';
import { exampleXcomDag } from './example-xcom';
import { exampleXcomArgsDag, exampleXcomArgsWithOperatorsDag } from './example-xcom-args';
import { tutorialTaskflowApiDag } from './tutorial-taskflow-api';

export * from './example-branch-operator-decorator';
export * from './example-dynamic-task-mapping';
export * from './example-skip-dag';
export * from './example-trigger-controller-dag';
export * from './example-trigger-target-dag';
export * from './example-xcom';
export * from './example-xcom-args';
export * from './tutorial-taskflow-api';

export const AIRFLOW_EXAMPLE_DAGS = [
  exampleXcomDag,
  exampleXcomArgsDag,
  exampleXcomArgsWithOperatorsDag,
  exampleDynamicTaskMappingDag,
  exampleTaskMappingSecondOrderDag,
  tutorialTaskflowApiDag,
  exampleBranchOperatorDecoratorDag,
  exampleSkipDag,
  exampleTriggerControllerDag,
  exampleTriggerTargetDag,
];
