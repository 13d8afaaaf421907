// The seed DAG `advanced_xcom_patterns` with the DAG API. Its tasks talk through explicit pushes and pulls, so the
// dependencies are explicit, and `pullsFrom` lets the build check every pull reads an upstream task.
import { defineDag, runDag, type DagRunInput } from '../src/workflow';
import type * as tasks from '../activities/examples/advanced-xcom-patterns';

const CONSUMERS = [0, 1, 2].map((i) => `consumer_${i}`);

export const advancedXComPatternsDag = defineDag(
  { dagId: 'advanced_xcom_patterns_dag', schedule: { every: '1 hour' }, defaultTaskOptions: { retries: 1, retryDelay: '1 second' } },
  (dag) => {
    const t = dag.tasks<typeof tasks>();
    const producer = t.producer.with({ taskId: 'producer' })();
    const consumers = CONSUMERS.map((taskId, i) => t.consumer.with({ taskId, pullsFrom: ['producer'] })(i));
    const aggregator = t.aggregator.with({ taskId: 'aggregator', pullsFrom: CONSUMERS })(CONSUMERS);
    const crossDag = t.crossDagPush.with({ taskId: 'cross_dag_push', pullsFrom: ['aggregator'] })();
    dag.chain(producer, consumers, aggregator, crossDag);
  },
);

export async function advancedXComPatternsWithDagApi(input?: DagRunInput) {
  return runDag(advancedXComPatternsDag, input);
}
