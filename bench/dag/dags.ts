// Pure definitions: imported by the workflow bundle (the runner) and by the plugin (`dags`).
import { defineDag, type DagDefinition } from '../../src/dag/define-dag';
import type * as activities from './activities';

/** The most task instances running at once, on every side of the bench (the runner's `maxActiveTasks`). */
export const MAX_ACTIVE_TASKS = 64;

/** `items = numbers(count); fan = double.expand(items); reduce = sum(fan)` */
function fanOutDag(count: number): DagDefinition {
  return defineDag({ dagId: `bench_fan_out_${count}`, maxActiveTasks: MAX_ACTIVE_TASKS }, (dag) => {
    const t = dag.tasks<typeof activities>();
    const items = t.numbers.with({ taskId: 'items' })(count);
    const fan = t.double.with({ taskId: 'fan' }).expand(items);
    t.sum.with({ taskId: 'reduce' })(fan);
  });
}

/** The fan-out widths the bench can run: 1,000 (the measurement) and 100 (`--quick`, a smoke test). */
export const FAN_OUT_DAGS: ReadonlyMap<number, DagDefinition> = new Map([1000, 100].map((n) => [n, fanOutDag(n)]));
