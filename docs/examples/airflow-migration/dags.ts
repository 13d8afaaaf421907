// The migration guide's DAGs. Pure: the workflow bundle and the worker (for `.map()` functions) both import this.
// (In an application, import from 'temporal-xcom/workflow' instead of the source tree.)
import { defineDag, runDag, type DagRunInput } from '../../../src/workflow';
import type * as activities from './activities';

type Tasks = typeof activities;

/** Airflow's `@dag` with TaskFlow `@task`s: dependencies follow from the data. */
export const salesEtl = defineDag(
  {
    dagId: 'sales_etl',
    schedule: '@daily',
    startDate: new Date('2024-01-01T00:00:00Z'),
    catchup: false,
    defaultTaskOptions: { retries: 2, retryDelay: '1 minute' },
    maxActiveTasks: 8,
  },
  (dag) => {
    const t = dag.tasks<Tasks>();
    const summary = t.transform.with({ multipleOutputs: true })(t.extract());
    t.load(summary.total, 'daily_sales');

    // Branching, then a join that runs whichever branch was taken.
    const pick = t.choose.with({ branch: true })(summary.total);
    const bigDay = t.notify.with({ taskId: 'big_day' })('big day!');
    const normalDay = t.notify.with({ taskId: 'normal_day' })('normal day');
    pick.then([bigDay, normalDay]);
    const done = t.cleanup.with({ triggerRule: 'none_failed_min_one_success' })();
    dag.chain([bigDay, normalDay], done);
  },
);

/** Dynamic task mapping: expand, partial, expandKwargs, map, zip, concat. */
export const fileStats = defineDag({ dagId: 'file_stats', maxMapLength: 2048 }, (dag) => {
  const t = dag.tasks<Tasks>({ retries: 3, retryDelay: '10 seconds', retryExponentialBackoff: true, maxRetryDelay: '5 minutes' });
  const files = t.listFiles();
  const counts = t.countLines.expand(files);
  t.sumAll(counts);

  t.addOffset.partial(100).expand([1, 2, 3]);
  t.addOffset.expand([0, 100], [1, 2, 3]);
  t.countLines.with({ taskId: 'upper' }).expand(files.map((name: string) => name.toUpperCase()));
  t.describePair.expand(files.zip(counts));
  t.countLines.with({ taskId: 'all_files' }).expand(files.concat(['extra.csv']));
  t.copyFile.partial({ overwrite: false }).expandKwargs([
    { source: 'a.csv', dest: 'archive/a.csv' },
    { source: 'b.csv', dest: 'archive/b.csv' },
  ]);
});

/** Explicit pushes and pulls: the dependency is explicit, and `pullsFrom` lets the build check it. */
export const stats = defineDag({ dagId: 'stats', schedule: '0 6 * * MON-FRI' }, (dag) => {
  const t = dag.tasks<Tasks>();
  t.pushStats.with({ taskId: 'push_stats' })().then(t.report.with({ pullsFrom: ['push_stats'] })());
});

export const DAGS = [salesEtl, fileStats, stats];

// One workflow per DAG: the generic runner runs it.
export const salesEtlWorkflow = (input?: DagRunInput) => runDag(salesEtl, input);
export const fileStatsWorkflow = (input?: DagRunInput) => runDag(fileStats, input);
export const statsWorkflow = (input?: DagRunInput) => runDag(stats, input);
