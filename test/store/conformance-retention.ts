import { randomBytes } from 'node:crypto';
import { quoteSchema } from '../../src/migrations/schema-name';
import type { Retention } from '../../src/store/retention/retention-class';
import type { XComStore } from '../../src/store/xcom-store';
import { uniqueRunId } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';

const DAY = 86_400_000;

/** A DAG id of its own per test: purges in one test never see another's runs. */
const dagOf = (label: string) => `retention_${label}_${randomBytes(3).toString('hex')}`;

/** A run of `dagId` dated `daysAgo`, whose task `t` commits a small and a large value (and `extra` keys). */
async function runOf(store: XComStore, dagId: string, daysAgo: number, extra: Record<string, [unknown, Retention]> = {}) {
  const runId = uniqueRunId(`d${daysAgo}`);
  const values = new Map<string, unknown>([
    ['small', { daysAgo }],
    ['large', randomBytes(store.inlineThresholdBytes + 10)],
  ]);
  const keyRetention = new Map<string, Retention>();
  for (const [key, [value, retention]] of Object.entries(extra)) {
    values.set(key, value);
    keyRetention.set(key, retention);
  }
  await store.commitAttempt({
    dagId,
    runId,
    taskId: 't',
    attempt: 1,
    fence: 1,
    values,
    keyRetention,
    logicalDate: new Date(Date.now() - daysAgo * DAY),
  });
  return runId;
}

async function rowsOf(store: XComStore, table: string, dagId: string): Promise<number> {
  const [row] = await store.engine.query<{ n: number }>(
    `select count(*)::int as n from ${quoteSchema(store.schema)}.${table} where dag_id = $1`,
    [dagId],
  );
  return row!.n;
}

/** After a sweep with no grace: no orphan left anywhere, and every remaining row of the DAG reads back. */
async function expectCollectedAndReadable(store: XComStore, dagId: string): Promise<void> {
  await store.sweepObjects({ graceMs: 0 });
  const again = await store.sweepObjects({ graceMs: 0 });
  expect({ deleted: again.deleted, orphans: again.orphans }).toEqual({ deleted: 0, orphans: 0 });
  for (const meta of await store.getMany({ dagIds: dagId }, { values: false })) {
    await expect(store.get(meta)).resolves.toBeDefined();
  }
}

export function describeRetentionConformance(ctx: () => ConformanceContext): void {
  describe('retention', () => {
    test('purge by age removes old runs whole (entries, ledger, task instances, run row); a dry run removes nothing', async () => {
      const { store } = ctx();
      const dagId = dagOf('purge');
      const old = [await runOf(store, dagId, 30), await runOf(store, dagId, 10)];
      const recent = await runOf(store, dagId, 1);

      const dry = await store.purge({ olderThan: '7 days', dagIds: dagId, dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, runs: 2, entries: 4, kept: 0 });
      expect(await rowsOf(store, 'dag_runs', dagId)).toBe(3);

      const progress: number[] = [];
      const result = await store.purge({ olderThan: '7 days', dagIds: dagId, batchSize: 1, onProgress: (p) => progress.push(p.runs) });
      expect(result).toMatchObject({ dryRun: false, runs: 2, entries: 4, ledger: 4, kept: 0 });
      expect(result.bytes).toBeGreaterThan(2 * store.inlineThresholdBytes);
      expect(progress.at(-1)).toBe(2);
      expect((await store.listRuns({ dagId })).runs.map((r) => r.runId)).toEqual([recent]);
      for (const table of ['entries', 'ledger', 'task_instances']) {
        const [row] = await store.engine.query<{ n: number }>(
          `select count(*)::int as n from ${quoteSchema(store.schema)}.${table} where dag_id = $1 and run_id = any($2)`,
          [dagId, old],
        );
        expect({ table, n: row!.n }).toEqual({ table, n: 0 });
      }
      await expectCollectedAndReadable(store, dagId);
    });

    test('keepLatestRuns keeps the newest runs by logical date', async () => {
      const { store } = ctx();
      const dagId = dagOf('keep');
      const runs = [];
      for (const daysAgo of [5, 1, 4, 2, 3]) runs.push({ daysAgo, runId: await runOf(store, dagId, daysAgo) });
      const result = await store.keepLatestRuns({ dagId, keep: 2 });
      expect(result).toMatchObject({ runs: 3, entries: 6 });
      const kept = runs.filter((r) => r.daysAgo <= 2).sort((a, b) => a.daysAgo - b.daysAgo).map((r) => r.runId);
      expect((await store.listRuns({ dagId })).runs.map((r) => r.runId)).toEqual(kept);
      expect((await store.keepLatestRuns({ dagId, keep: 2 })).runs).toBe(0);
      await expectCollectedAndReadable(store, dagId);
    });

    test("retention classes: 'forever' survives purges (its run row too), a short class goes first, 'run' follows its run", async () => {
      const { store } = ctx();
      const dagId = dagOf('classes');
      const oldRun = await runOf(store, dagId, 30, { kept: ['kept forever', 'forever'], week: ['a week', '7 days'] });
      const newRun = await runOf(store, dagId, 0, { brief: ['brief', '1 ms'], kept: ['kept forever', 'forever'] });
      // Wait (on the database's clock) until the brief entry is past its time.
      for (;;) {
        const [row] = await store.engine.query<{ due: boolean }>(
          `select bool_and(keep_until < now()) as due from ${quoteSchema(store.schema)}.entries where dag_id = $1 and key = 'brief'`,
          [dagId],
        );
        if (row!.due) break;
      }
      const result = await store.purge({ olderThan: '7 days', dagIds: dagId });
      // The old run: small, large and its ledger go; 'kept' and 'week' (still young) stay with the run row.
      expect(result).toMatchObject({ runs: 0, kept: 2 });
      const left = await store.getMany({ dagIds: dagId }, { values: false });
      expect(left.map((e) => `${e.runId === oldRun ? 'old' : 'new'}:${e.key}`).sort()).toEqual([
        'new:kept',
        'new:large',
        'new:small',
        'old:kept',
        'old:week',
      ]);
      expect(left.find((e) => e.key === 'kept')?.retention).toBe('forever');
      expect(left.find((e) => e.runId === newRun && e.key === 'small')?.retention).toBe('run');
      expect(left.find((e) => e.key === 'week')?.retention).toBeInstanceOf(Date);
      expect(await rowsOf(store, 'dag_runs', dagId)).toBe(2);
      // The kept entries keep their ledger rows; a second purge finds nothing more.
      expect((await store.ledger({ dagId, runId: oldRun })).map((l) => l.key).sort()).toEqual(['kept', 'week']);
      expect(await store.purge({ olderThan: '7 days', dagIds: dagId })).toMatchObject({ runs: 0, entries: 0 });
      // An explicit clear removes everything, 'forever' included.
      expect(await store.clearDag(dagId)).toMatchObject({ runs: 2, entries: 5 });
      expect(await rowsOf(store, 'entries', dagId)).toBe(0);
      await expectCollectedAndReadable(store, dagId);
    });

    test('clearRun and clearTask (one map index or all) remove what they name and report it', async () => {
      const { store } = ctx();
      const dagId = dagOf('clear');
      const runId = await runOf(store, dagId, 0);
      for (const mapIndex of [0, 1]) {
        await store.commitAttempt({ dagId, runId, taskId: 'm', mapIndex, attempt: 1, fence: 1, values: new Map([['k', mapIndex]]) });
      }
      expect(await store.clearTask({ dagId, runId, taskId: 'm', mapIndex: 1, dryRun: true })).toMatchObject({ entries: 1 });
      expect(await store.clearTask({ dagId, runId, taskId: 'm', mapIndex: 1 })).toMatchObject({ entries: 1 });
      expect(await store.clearTask({ dagId, runId, taskId: 'm' })).toMatchObject({ entries: 1 });
      expect((await store.ledger({ dagId, runId, taskId: 'm' })).filter((l) => l.outcome === 'deleted')).toHaveLength(2);
      expect(await store.clearRun({ dagId, runId })).toMatchObject({ runs: 1, entries: 2 });
      expect(await rowsOf(store, 'ledger', dagId)).toBe(0);
      expect(await rowsOf(store, 'dag_runs', dagId)).toBe(0);
      await expectCollectedAndReadable(store, dagId);
    });

    test('the ledger is bounded: trimLedger removes rows older than its cutoff', async () => {
      const { store } = ctx();
      const dagId = dagOf('ledger');
      await runOf(store, dagId, 0);
      const at = (await store.engine.query<{ at: Date }>(`select now() as at`))[0]!.at;
      await runOf(store, dagId, 0);
      const dry = await store.trimLedger({ olderThan: at, dryRun: true });
      expect(dry.ledger).toBeGreaterThanOrEqual(2);
      const trimmed = await store.trimLedger({ olderThan: at, batchSize: 1 });
      expect(trimmed.ledger).toBe(dry.ledger);
      expect(await rowsOf(store, 'ledger', dagId)).toBe(2);
    });

    test('listRuns pages newest first with a cursor, per DAG and across DAGs', async () => {
      const { store } = ctx();
      const dagId = dagOf('list');
      const ids = [];
      for (const daysAgo of [3, 1, 2, 5, 4]) ids.push({ daysAgo, runId: await runOf(store, dagId, daysAgo) });
      const expected = ids.sort((a, b) => a.daysAgo - b.daysAgo).map((r) => r.runId);
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.listRuns({ dagId, limit: 2, after });
        expect(page.runs.length).toBeLessThanOrEqual(2);
        seen.push(...page.runs.map((r) => r.runId));
        after = page.next;
      } while (after);
      expect(seen).toEqual(expected);
      const first = (await store.listRuns({ dagId, limit: 1 })).runs[0]!;
      expect(first).toMatchObject({ dagId, runId: expected[0], entries: 2 });
      expect(first.bytes).toBeGreaterThan(store.inlineThresholdBytes);
      const window = await store.listRuns({ dagId, from: new Date(Date.now() - 2.5 * DAY), to: new Date(Date.now() - 0.5 * DAY) });
      expect(window.runs.map((r) => r.runId)).toEqual(expected.slice(0, 2));
      // Across DAGs the order is the same: every run of this DAG appears, newest first.
      const all: string[] = [];
      after = undefined;
      do {
        const page = await store.listRuns({ limit: 3, after });
        all.push(...page.runs.filter((r) => r.dagId === dagId).map((r) => r.runId));
        after = page.next;
      } while (after);
      expect(all).toEqual(expected);
      await expect(store.listRuns({ after: 'not-a-cursor' })).rejects.toThrow(/not a cursor this store returned/);
    });

    test('compressInline moves large compressible inline values to the object store; small or incompressible stay', async () => {
      const { store } = ctx();
      const dagId = dagOf('compress');
      const runId = uniqueRunId();
      // Stored as JSON inline (compression off, as a store configured with 'none' or an older version wrote it).
      const plain = ctx().storeWith({ codec: (await import('../../src/codec/value-codec')).createValueCodec({ compression: 'none' }) });
      const text = 'abc '.repeat(8000);
      await plain.set({ dagId, runId, taskId: 'big', key: 'return_value', value: text, attempt: 0 });
      await plain.set({ dagId, runId, taskId: 'random', key: 'return_value', value: randomBytes(20_000), attempt: 0 });
      await plain.set({ dagId, runId, taskId: 'small', key: 'return_value', value: 'tiny', attempt: 0 });
      const dry = await store.compressInline({ minBytes: 16 * 1024, dagIds: [dagId], dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, moved: 1 });
      const done = await store.compressInline({ minBytes: 16 * 1024, dagIds: [dagId] });
      expect(done.moved).toBe(1);
      expect(done.savedBytes).toBeGreaterThanOrEqual(32_000);
      const big = await store.get({ dagId, runId, taskId: 'big', key: 'return_value' });
      expect(big).toMatchObject({ value: text, encoding: 'json+br' });
      expect(big?.objectKey).not.toBeNull();
      expect((await store.get({ dagId, runId, taskId: 'random', key: 'return_value' }))?.objectKey).toBeNull();
      expect((await store.compressInline({ minBytes: 16 * 1024, dagIds: [dagId] })).moved).toBe(0);
      await expectCollectedAndReadable(store, dagId);
    });

    test('runs created in one transaction without a logical date page and keep-latest correctly (microsecond ties)', async () => {
      const { store } = ctx();
      const dagId = dagOf('ties');
      const runIds = Array.from({ length: 5 }, (_, i) => `tie_${i}`);
      // One statement: every run row gets the same created_at, to the microsecond.
      await store.commit(runIds.map((runId) => ({ dagId, runId, taskId: 't', key: 'k', value: runId, attempt: 0 })));
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.listRuns({ dagId, limit: 2, after });
        seen.push(...page.runs.map((r) => r.runId));
        after = page.next;
      } while (after);
      expect(seen).toEqual([...runIds].reverse());
      expect(await store.keepLatestRuns({ dagId, keep: 2 })).toMatchObject({ runs: 3 });
      expect((await store.listRuns({ dagId })).runs.map((r) => r.runId)).toEqual(['tie_4', 'tie_3']);
    });
  });
}
