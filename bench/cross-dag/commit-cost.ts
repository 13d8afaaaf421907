import { createValueCodec } from '../../src/codec/value-codec';
import type { SqlEngine } from '../../src/engines/sql-engine';
import { perKeyCommitParams as commitParams, perKeyCommitStatement as commitStatement, type PerKeyEntry as PreparedEntry } from '../lib/per-key-commit-sql';
import { prepareEntry } from '../../src/store/prepare-entry';
import { inlineValue } from '../lib/fixtures';
import { FLOOR_UPSERT_MANY } from '../lib/floor-sql';
import { summarize, type Summary } from '../lib/percentiles';

export interface CommitCostResult {
  readonly batchSize: number;
  /** How many unrelated subscriptions were active (0: the wake-up's fast path; >0: its lookup runs). */
  readonly activeSubscriptions: number;
  /** The per-key commit statement of before task-instance ownership (with `wake_subscribers`). */
  readonly withWake: Summary;
  /** The same statement without the `woken` CTE: the commit as it was before cross-DAG waits. */
  readonly withoutWake: Summary;
  /** A bare multi-row upsert of the same rows (bench:store's floor). */
  readonly floor: Summary;
}

const SCHEMA = '"xcom"';

/** The commit statement minus the cross-DAG wake-up: exactly the statement before sql/000002. */
export function statementWithoutWake(): string {
  const sql = commitStatement(SCHEMA)
    .replace(/-- Cross-DAG waits:[^\n]*\n(--[^\n]*\n)*woken as \([\s\S]*?\n\),\n/, '')
    .replace(/,\s*\(select notified from woken\) as notified/, '');
  if (sql.includes('woken') || sql.includes('wake_subscribers')) throw new Error('bench: could not strip the wake-up from the commit statement');
  return sql;
}

/**
 * Times the statements alone (values encoded beforehand) on one connection, in interleaved blocks so load drift on
 * a shared machine hits all three alike. Every batch writes new task ids, as bench:store's batched commit does.
 */
export async function benchCommitCost(
  engine: SqlEngine,
  plan: { batchSize: number; batches: number; activeSubscriptions: number; label: string },
): Promise<CommitCostResult> {
  const codec = createValueCodec();
  const value = inlineValue();
  const limits = { inlineThresholdBytes: 48 * 1024, maxValueBytes: 512 * 1024 * 1024 };
  const prepare = async (series: string, b: number): Promise<PreparedEntry[]> => {
    const writes = Array.from({ length: plan.batchSize }, (_, j) => ({
      dagId: 'bench_dag',
      runId: `${plan.label}-${series}-run-${b}`,
      taskId: `task-${b * plan.batchSize + j}`,
      key: 'return_value',
      value,
      attempt: 1,
    }));
    const placed = await Promise.all(writes.map((w) => prepareEntry({ ...w, mapIndex: -1 }, w.value, codec, limits)));
    return placed.map((p) => ({ ...p.entry, attempt: 1, fence: 1, temporalRunId: null, activityType: null, logicalDate: null }));
  };
  const withWake = commitStatement(SCHEMA);
  const withoutWake = statementWithoutWake();
  const floorParams = (e: readonly PreparedEntry[]) => [
    e.map((x) => x.identity.dagId),
    e.map((x) => x.identity.runId),
    e.map((x) => x.identity.taskId),
    e.map((x) => x.identity.mapIndex),
    e.map((x) => x.identity.key),
    e.map((x) => x.inlineValue),
  ];
  const sides: [string, (e: PreparedEntry[]) => Promise<unknown>][] = [
    ['with', (e) => engine.query(withWake, commitParams(e))],
    ['without', (e) => engine.query(withoutWake, commitParams(e))],
    ['floor', (e) => engine.query(FLOOR_UPSERT_MANY, floorParams(e))],
  ];
  const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  const rounds = 10;
  const perRound = Math.max(1, Math.ceil(plan.batches / rounds));
  let b = 0;
  for (let warm = 0; warm < 3; warm++) for (const [name, run] of sides) await run(await prepare(`warm-${name}`, warm));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const [name, run] of order) {
      for (let k = 0; k < perRound; k++) {
        const entries = await prepare(name, b + k);
        const start = performance.now();
        await run(entries);
        samples.get(name)!.push(performance.now() - start);
      }
    }
    b += perRound;
  }
  const summary = (name: string) => summarize(samples.get(name)!, plan.batchSize);
  return {
    batchSize: plan.batchSize,
    activeSubscriptions: plan.activeSubscriptions,
    withWake: summary('with'),
    withoutWake: summary('without'),
    floor: summary('floor'),
  };
}
