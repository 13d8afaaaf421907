import { quoteSchema } from '../src/migrations/schema-name';
import type { LedgerRecord, XComEntryMeta } from '../src/store/types';
import type { XComStore } from '../src/store/xcom-store';
import { allInstances, CHAOS_DAG_ID, instanceName, keysFor, RETURN_KEY } from './dag-shape';
import { sameValue, valueFor } from './values';
import type { ChaosRunResult } from './workflows';

/** The task-instance invariants of one run; every count must be 0. */
export interface InstanceViolations {
  /** Keys of the owning attempt that are not visible, and instances Temporal completed that have no owner. */
  lost: number;
  /** Instances whose visible owner is not the attempt whose result the workflow received. */
  duplicated: number;
  /** Instances whose visible keys come from more than one attempt (or not from the owner). */
  torn: number;
  /** Visible keys the owning attempt did not write. */
  stale: number;
  /** Visible values that are not what their attempt wrote (read through store.get, digest verified). */
  wrong: number;
}

/** What the ledger says happened: chaos that the store absorbed. */
export interface LedgerFacts {
  /** Attempts whose commit arrived after a newer attempt's and wrote nothing (ledger `fenced`). */
  readonly lateCommits: number;
  /** Keys a newer owner's commit removed because it did not write them (ledger `superseded`). */
  readonly supersededKeys: number;
  /** Attempts that committed, won, and were then replaced by a newer attempt's commit. */
  readonly replacedCommits: number;
}

export interface RunCheck {
  readonly violations: InstanceViolations;
  readonly ledger: LedgerFacts;
  /** One line per violation, naming the task instance. */
  readonly details: string[];
}

/**
 * Checks every task instance of a finished run against the store: one owner, exactly the owner's key set, each value
 * what its attempt wrote, and the owner being the attempt Temporal completed (`received`: the workflow's result,
 * undefined when the run did not complete).
 */
export async function checkRun(store: XComStore, runId: string, received: ChaosRunResult | undefined): Promise<RunCheck> {
  const violations: InstanceViolations = { lost: 0, duplicated: 0, torn: 0, stale: 0, wrong: 0 };
  const details: string[] = [];
  const flag = (kind: keyof InstanceViolations, count: number, detail: string) => {
    if (count === 0) return;
    violations[kind] += count;
    details.push(`${kind}: ${detail}`);
  };
  const entries = await store.getMany({ dagIds: CHAOS_DAG_ID, runId }, { values: false });
  const owners = await ownersOf(store, runId);
  const ledger = await store.ledger({ dagId: CHAOS_DAG_ID, runId });

  for (const { taskId, mapIndex } of allInstances()) {
    const name = instanceName(taskId, mapIndex);
    const visible = entries.filter((e) => e.taskId === taskId && e.mapIndex === mapIndex);
    const owner = owners.get(name);
    const writers = new Set(visible.map((e) => e.attempt));
    if (writers.size > 1 || (owner !== undefined && visible.some((e) => e.attempt !== owner))) {
      flag('torn', 1, `${name} shows keys of attempts ${[...writers].join(', ')} (owner ${owner ?? 'none'})`);
    }
    const expected = owner === undefined ? [] : keysFor(taskId, owner);
    const keys = visible.map((e) => e.key);
    const stale = keys.filter((k) => !expected.includes(k));
    const missing = expected.filter((k) => !keys.includes(k));
    flag('stale', stale.length, `${name} (owner ${owner}) shows ${stale.join(', ')}`);
    flag('lost', missing.length, `${name} (owner ${owner}) lacks ${missing.join(', ')}`);

    const got = received?.[name];
    if (got !== undefined) {
      const gotAttempt = 'attempt' in got ? got.attempt : attemptWhoWrote(ledger, taskId, mapIndex, got.ref.digest);
      if (owner === undefined) flag('lost', 1, `${name}: Temporal completed it, the store has no owner`);
      else if (gotAttempt === undefined) flag('wrong', 1, `${name}: the workflow got a ref to content no attempt wrote`);
      else if (gotAttempt !== owner) flag('duplicated', 1, `${name}: the workflow got attempt ${gotAttempt}, the store shows ${owner}`);
    }
    for (const entry of visible) {
      const problem = await wrongValue(store, runId, entry);
      if (problem) flag('wrong', 1, `${name} ${entry.key} (attempt ${entry.attempt}): ${problem}`);
    }
  }
  return { violations, ledger: ledgerFacts(ledger), details };
}

/** The attempt owning each task instance (`task_instances`), by instance name. */
async function ownersOf(store: XComStore, runId: string): Promise<Map<string, number>> {
  const rows = await store.engine.query<{ task_id: string; map_index: number; attempt: number }>(
    `select task_id, map_index, attempt from ${quoteSchema(store.schema)}.task_instances where dag_id = $1 and run_id = $2`,
    [CHAOS_DAG_ID, runId],
  );
  return new Map(rows.map((r) => [instanceName(r.task_id, r.map_index), r.attempt]));
}

/** The attempt whose written return value has this digest: values name their attempt, so digests do too. */
function attemptWhoWrote(ledger: readonly LedgerRecord[], taskId: string, mapIndex: number, digest: string): number | undefined {
  return ledger.find(
    (l) => l.taskId === taskId && l.mapIndex === mapIndex && l.key === RETURN_KEY && l.outcome === 'written' && l.digest === digest,
  )?.attempt;
}

async function wrongValue(store: XComStore, runId: string, entry: XComEntryMeta): Promise<string | undefined> {
  try {
    const record = await store.get(entry);
    if (!record) return 'vanished while checking';
    const expected = valueFor(runId, entry.taskId, entry.mapIndex, entry.attempt, entry.key);
    return sameValue(record.value, expected) ? undefined : 'differs from what the attempt wrote';
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
}

function ledgerFacts(ledger: readonly LedgerRecord[]): LedgerFacts {
  const attemptsWith = (outcome: LedgerRecord['outcome']) =>
    new Set(ledger.filter((l) => l.outcome === outcome).map((l) => `${instanceName(l.taskId, l.mapIndex)}#${l.attempt}`));
  return {
    lateCommits: attemptsWith('fenced').size,
    supersededKeys: ledger.filter((l) => l.outcome === 'superseded').length,
    replacedCommits: attemptsWith('superseded').size,
  };
}
