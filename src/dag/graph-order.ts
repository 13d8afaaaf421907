// Pure module (no imports but src/dag): orders a DAG's tasks and finds cycles and upstream closures.
import { DagValidationError } from './dag-validation-error';
import type { DagSpec } from './spec';

/**
 * Each known task id with its distinct upstream ids that are known tasks, self-dependencies left out (they are
 * reported on their own). Ids in declaration order; a duplicated id is one node with the union of upstreams.
 */
export function upstreamGraph(spec: DagSpec): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const task of spec.tasks) if (!graph.has(task.taskId)) graph.set(task.taskId, []);
  for (const task of spec.tasks) {
    const ups = graph.get(task.taskId)!;
    for (const up of task.upstream) if (up !== task.taskId && graph.has(up) && !ups.includes(up)) ups.push(up);
  }
  return graph;
}

/**
 * Kahn's algorithm: tasks in an order where every task comes after its upstream tasks; among tasks that are ready
 * together, the one declared first goes first. Returns the order and the tasks left over (non-empty on a cycle).
 */
export function kahnOrder(graph: ReadonlyMap<string, readonly string[]>): { order: string[]; remaining: string[] } {
  const position = new Map([...graph.keys()].map((id, i) => [id, i]));
  const waitingOn = new Map<string, number>();
  const downstream = new Map<string, string[]>([...graph.keys()].map((id) => [id, []]));
  for (const [id, ups] of graph) {
    waitingOn.set(id, ups.length);
    for (const up of ups) downstream.get(up)!.push(id);
  }
  const ready = [...graph.keys()].filter((id) => waitingOn.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const down of downstream.get(id)!) {
      const left = waitingOn.get(down)! - 1;
      waitingOn.set(down, left);
      if (left === 0) insertByPosition(ready, down, position);
    }
  }
  const remaining = [...graph.keys()].filter((id) => waitingOn.get(id)! > 0);
  return { order, remaining };
}

function insertByPosition(ready: string[], id: string, position: ReadonlyMap<string, number>): void {
  const at = position.get(id)!;
  let lo = 0;
  let hi = ready.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (position.get(ready[mid]!)! < at) lo = mid + 1;
    else hi = mid;
  }
  ready.splice(lo, 0, id);
}

/**
 * One cycle among the tasks Kahn's algorithm could not order, as a path `[a, b, c, a]` (a is upstream of b, …),
 * starting at the cycle's first-declared task. Every left-over task waits on another left-over task, so walking
 * upstream (first-declared upstream first) from any of them must come back to a task already seen.
 */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>, remaining: readonly string[]): string[] | undefined {
  if (remaining.length === 0) return undefined;
  const left = new Set(remaining);
  const seenAt = new Map<string, number>();
  const walk: string[] = [];
  let current = remaining[0]!;
  while (!seenAt.has(current)) {
    seenAt.set(current, walk.length);
    walk.push(current);
    current = graph.get(current)!.find((up) => left.has(up))!;
  }
  // walk[seenAt(current)..] goes upstream around the cycle; reverse it to read downstream.
  const cycle = walk.slice(seenAt.get(current)).reverse();
  const order = [...graph.keys()];
  const first = cycle.reduce((best, id) => (order.indexOf(id) < order.indexOf(best) ? id : best));
  const start = cycle.indexOf(first);
  const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
  return [...rotated, first];
}

/** `a -> b -> c -> a` */
export function formatCycle(path: readonly string[]): string {
  return path.join(' -> ');
}

/**
 * The order the runner considers tasks in: Kahn's algorithm, ties broken by declaration order (deterministic, as
 * workflow code must be). Throws a `DagValidationError` naming a cycle if there is one.
 */
export function topologicalOrder(spec: DagSpec): string[] {
  const graph = upstreamGraph(spec);
  const { order, remaining } = kahnOrder(graph);
  const cycle = findCycle(graph, remaining);
  if (cycle) throw new DagValidationError(spec.dagId, [`tasks form a cycle: ${formatCycle(cycle)}`]);
  return order;
}

/** Every task `taskId` depends on, directly or through others (not `taskId` itself, unless it is on a cycle). */
export function upstreamClosure(spec: DagSpec, taskId: string): Set<string> {
  const graph = upstreamGraph(spec);
  const found = new Set<string>();
  const stack = [...(graph.get(taskId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(graph.get(id) ?? []));
  }
  return found;
}
