import { randomBytes } from 'node:crypto';
import { uniqueRunId } from '../helpers/store-fixtures';
import type { ConformanceContext } from './conformance';

type Row = { dagId: string; runId: string; taskId: string; mapIndex: number; key: string };
const shape = (records: readonly Row[]): string[] =>
  records.map((r) => `${r.dagId}/${r.runId.replace(/-[0-9a-f]{10}$/, '')}/${r.taskId}[${r.mapIndex}]:${r.key}`);

export function describeQueryConformance(ctx: () => ConformanceContext): void {
  describe('queries', () => {
    const dag = `conformance_queries_${randomBytes(3).toString('hex')}`;
    const runId = uniqueRunId('q');

    beforeAll(async () => {
      const { store } = ctx();
      await store.commit([
        { dagId: dag, runId, taskId: 'extract', key: 'return_value', value: 'e', attempt: 1 },
        { dagId: dag, runId, taskId: 'extract', key: 'rows', value: [1, 2], attempt: 1 },
        ...[0, 1, 2, 3].map((mapIndex) => ({
          dagId: dag,
          runId,
          taskId: 'mapped',
          mapIndex,
          key: 'return_value',
          value: mapIndex * 10,
          attempt: 1,
        })),
        { dagId: dag, runId, taskId: 'load', key: 'return_value', value: 'l', attempt: 1 },
        { dagId: `${dag}_other`, runId, taskId: 'extract', key: 'return_value', value: 'other', attempt: 1 },
      ]);
    });

    test('task ids as one or a list, and the key filter', async () => {
      const { store } = ctx();
      expect(shape(await store.getMany({ dagIds: dag, runId, taskIds: 'extract', key: 'rows' }))).toEqual([
        `${dag}/q/extract[-1]:rows`,
      ]);
      const many = await store.getMany({ dagIds: dag, runId, taskIds: ['extract', 'load'], key: 'return_value' });
      expect(shape(many).sort()).toEqual([`${dag}/q/extract[-1]:return_value`, `${dag}/q/load[-1]:return_value`]);
      expect(await store.count({ dagIds: dag, runId })).toBe(7);
      expect(await store.count({ runId, taskIds: 'extract', key: 'return_value' })).toBe(2);
    });

    test('dag ids as one or a list', async () => {
      const { store } = ctx();
      expect(await store.count({ dagIds: [dag, `${dag}_other`], runId, taskIds: 'extract', key: 'return_value' })).toBe(2);
      const other = await store.getMany({ dagIds: `${dag}_other`, runId });
      expect(other.map((r) => r.value)).toEqual(['other']);
    });

    test('map indexes as one, a list, or a range', async () => {
      const { store } = ctx();
      const values = async (mapIndexes: number | number[] | { start: number; stop: number }) =>
        (await store.getMany({ dagIds: dag, runId, taskIds: 'mapped', mapIndexes }))
          .map((r) => r.value as number)
          .sort((a, b) => a - b);
      expect(await values(2)).toEqual([20]);
      expect(await values([0, 3])).toEqual([0, 30]);
      expect(await values({ start: 1, stop: 3 })).toEqual([10, 20]);
      expect(await values({ start: 2, stop: 2 })).toEqual([]);
      expect(await store.count({ dagIds: dag, runId, mapIndexes: -1 })).toBe(3);
    });

    test('mapped: positions among existing mapped rows, by map index', async () => {
      const { store } = ctx();
      const scope = { dagId: dag, runId, taskId: 'mapped', key: 'return_value' };
      const values = (records: readonly { value: unknown }[]) => records.map((r) => r.value);
      expect(values(await store.mapped(scope))).toEqual([0, 10, 20, 30]);
      expect(values(await store.mapped(scope, { offset: 1, limit: 2 }))).toEqual([10, 20]);
      expect(values(await store.mapped(scope, { offset: 3 }))).toEqual([30]);
      expect(await store.mapped(scope, { offset: 9 })).toEqual([]);
      // The unmapped row is not a mapped result.
      expect(await store.mapped({ ...scope, taskId: 'extract' })).toEqual([]);
      expect(await store.count({ dagIds: dag, runId, taskIds: 'mapped', mapIndexes: { start: 0, stop: 2 ** 31 } })).toBe(4);
      await expect(store.mapped({ ...scope, key: '' })).rejects.toThrow(/key/);
      await expect(store.mapped(scope, { offset: -1 })).rejects.toThrow(/offset must be an integer >= 0/);
    });

    test('limit, and metadata-only reads', async () => {
      const { store } = ctx();
      expect(await store.getMany({ dagIds: dag, runId, limit: 2 })).toHaveLength(2);
      const meta = await store.getMany({ dagIds: dag, runId, taskIds: 'extract' }, { values: false });
      expect(meta.every((r) => r.value === undefined && r.digest.length === 64)).toBe(true);
      await expect(store.getMany({ dagIds: dag, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    });

    test('includePriorDates: earlier runs by logical date, newest first, scoped to the DAG read', async () => {
      const { store } = ctx();
      const priorDag = `${dag}_prior`;
      const day = (d: number) => new Date(Date.UTC(2024, 0, d));
      const runs = [
        { runId: uniqueRunId('r1'), logicalDate: day(1) },
        { runId: uniqueRunId('r3'), logicalDate: day(3) },
        { runId: uniqueRunId('r2'), logicalDate: day(2) },
        { runId: uniqueRunId('r4'), logicalDate: day(4) },
      ];
      for (const run of runs) {
        await store.set({ dagId: priorDag, ...run, taskId: 'daily', key: 'total', value: run.runId, attempt: 1 });
      }
      // Another DAG reuses run 3's id with a later date: the cutoff must come from the DAG being read.
      await store.set({ dagId: `${priorDag}_x`, runId: runs[1]!.runId, logicalDate: day(9), taskId: 't', key: 'k', value: 0, attempt: 1 });

      const prior = await store.getMany({ dagIds: priorDag, runId: runs[1]!.runId, taskIds: 'daily', key: 'total', includePriorDates: true });
      expect(prior.map((r) => r.value)).toEqual([runs[1]!.runId, runs[2]!.runId, runs[0]!.runId]);
      expect(prior.map((r) => r.logicalDate?.toISOString())).toEqual([day(3), day(2), day(1)].map((d) => d.toISOString()));

      const asOf = await store.getMany({ dagIds: priorDag, taskIds: 'daily', key: 'total', includePriorDates: true, asOf: day(2) });
      expect(asOf.map((r) => r.value)).toEqual([runs[2]!.runId, runs[0]!.runId]);

      const latest = await store.getMany({ dagIds: priorDag, taskIds: 'daily', includePriorDates: true, asOf: day(31), limit: 1 });
      expect(latest.map((r) => r.value)).toEqual([runs[3]!.runId]);
      const without = await store.getMany({ dagIds: priorDag, runId: runs[1]!.runId, taskIds: 'daily' });
      expect(without.map((r) => r.value)).toEqual([runs[1]!.runId]);
      await expect(store.getMany({ dagIds: priorDag, includePriorDates: true })).rejects.toThrow(/needs runId/);
    });

    test('the first logical date given for a run sticks', async () => {
      const { store } = ctx();
      const id = { dagId: dag, runId: uniqueRunId('ld'), taskId: 't', key: 'k' };
      await store.set({ ...id, value: 1, attempt: 1 });
      await store.set({ ...id, taskId: 'u', value: 1, attempt: 1, logicalDate: new Date('2024-05-05T00:00:00Z') });
      await store.set({ ...id, taskId: 'v', value: 1, attempt: 1, logicalDate: new Date('2030-01-01T00:00:00Z') });
      expect((await store.get(id))?.logicalDate?.toISOString()).toBe('2024-05-05T00:00:00.000Z');
    });

    test("each row carries its run's logical date, read once for a run's rows and per row across runs", async () => {
      const { store } = ctx();
      const runDag = `${dag}_run_dates`;
      const dated = uniqueRunId('dated');
      const undated = uniqueRunId('undated');
      for (const taskId of ['a', 'b', 'c']) {
        await store.set({ dagId: runDag, runId: dated, logicalDate: new Date('2024-03-03T00:00:00Z'), taskId, key: 'k', value: taskId, attempt: 1 });
        await store.set({ dagId: runDag, runId: undated, taskId, key: 'k', value: taskId, attempt: 1 });
      }
      const dates = (rows: { logicalDate?: Date | null }[]) => rows.map((r) => r.logicalDate?.toISOString() ?? null);
      for (const values of [true, false]) {
        expect(dates(await store.getMany({ dagId: runDag, runId: dated }, { values }))).toEqual(Array(3).fill('2024-03-03T00:00:00.000Z'));
        expect(dates(await store.getMany({ dagId: runDag, runId: undated }, { values }))).toEqual([null, null, null]);
        // Another DAG's run of the same id has no date for these rows.
        expect(await store.getMany({ dagId: `${runDag}_other`, runId: dated }, { values })).toEqual([]);
      }
      const both = await store.getMany({ dagId: runDag, taskIds: 'a' });
      expect(both.map((r) => [r.runId, r.logicalDate?.toISOString() ?? null])).toEqual(
        expect.arrayContaining([[dated, '2024-03-03T00:00:00.000Z'], [undated, null]]),
      );
    });

    test("a run's entries take its logical date when it is set after they were written", async () => {
      const { store } = ctx();
      const priorDag = `${dag}_late_date`;
      const late = uniqueRunId('late');
      const early = uniqueRunId('early');
      await store.set({ dagId: priorDag, runId: early, logicalDate: new Date('2024-02-01T00:00:00Z'), taskId: 't', key: 'k', value: 'early', attempt: 1 });
      // Written without a logical date: ordered by creation time (now) until the date arrives.
      await store.set({ dagId: priorDag, runId: late, taskId: 't', key: 'k', value: 'late', attempt: 1 });
      const asOf = new Date('2024-03-01T00:00:00Z');
      const newest = () => store.getMany({ dagIds: priorDag, taskIds: 't', key: 'k', includePriorDates: true, asOf, newestRunOnly: true });
      expect((await newest()).map((r) => r.value)).toEqual(['early']);
      await store.commitAttempt({
        dagId: priorDag, runId: late, taskId: 'u', attempt: 1, fence: 1,
        logicalDate: new Date('2024-02-15T00:00:00Z'), values: new Map([['k', 'u']]),
      });
      expect((await newest()).map((r) => r.value)).toEqual(['late']);
      const all = await store.getMany({ dagIds: priorDag, key: 'k', includePriorDates: true, asOf });
      expect(all.map((r) => [r.value, r.logicalDate?.toISOString()])).toEqual([
        ['u', '2024-02-15T00:00:00.000Z'],
        ['late', '2024-02-15T00:00:00.000Z'],
        ['early', '2024-02-01T00:00:00.000Z'],
      ]);
    });

    test('newestRunOnly: the rows of one run, the newest with a match at the requested map indexes', async () => {
      const { store } = ctx();
      const priorDag = `${dag}_newest_only`;
      const day = (d: number) => new Date(Date.UTC(2024, 0, d));
      const write = (runId: string, d: number, mapIndexes: number[]) =>
        store.commit(
          mapIndexes.map((mapIndex) => ({ dagId: priorDag, runId, logicalDate: day(d), taskId: 'm', mapIndex, key: 'return_value', value: `${runId}:${mapIndex}`, attempt: 1 })),
        );
      const [r1, r2, r3] = [uniqueRunId('r1'), uniqueRunId('r2'), uniqueRunId('r3')];
      await write(r1, 1, [0, 1, 2]);
      await write(r2, 2, [0, 1]);
      await write(r3, 3, [0]);
      const read = (mapIndexes?: number | number[], asOf = day(31)) =>
        store
          .getMany({ dagIds: priorDag, taskIds: 'm', includePriorDates: true, asOf, newestRunOnly: true, ...(mapIndexes === undefined ? {} : { mapIndexes }) })
          .then((records) => records.map((r) => r.value).sort());
      expect(await read()).toEqual([`${r3}:0`]);
      expect(await read(1)).toEqual([`${r2}:1`]);
      expect(await read([1, 2])).toEqual([`${r2}:1`]);
      expect(await read(2)).toEqual([`${r1}:2`]);
      expect(await read(undefined, day(2))).toEqual([`${r2}:0`, `${r2}:1`]);
      expect(await read(5)).toEqual([]);
    });

    test('keys with slashes, inline and as objects', async () => {
      const { store } = ctx();
      const runId = uniqueRunId();
      const keys = ['a/b', '/leading', 'trailing/', 'deep/er/path/../x', '..', '.'];
      for (const key of keys) {
        await store.set({ dagId: dag, runId, taskId: 'slashes', key, value: key, attempt: 1 });
        await store.set({ dagId: dag, runId, taskId: 'slashes_big', key, value: key.padEnd(store.inlineThresholdBytes, '#'), attempt: 1 });
      }
      for (const key of keys) {
        expect((await store.get({ dagId: dag, runId, taskId: 'slashes', key }))?.value).toBe(key);
        const big = await store.get({ dagId: dag, runId, taskId: 'slashes_big', key });
        expect((big?.value as string).startsWith(key)).toBe(true);
      }
      expect(await store.count({ dagIds: dag, runId, key: 'a/b' })).toBe(2);
    });

    test('SQL metacharacters in ids, keys and values are stored verbatim', async () => {
      const { store } = ctx();
      const nasty = ["'; drop table xcom.entries; --", 'a%b_c', '$1 $2', 'back\\slash', 'quote"d', 'ünï😀'];
      const runId = uniqueRunId();
      for (const text of nasty) {
        await store.set({ dagId: text, runId: `${runId}${text}`, taskId: text, key: text, value: { text }, attempt: 1 });
      }
      for (const text of nasty) {
        const record = await store.get({ dagId: text, runId: `${runId}${text}`, taskId: text, key: text });
        expect(record).toMatchObject({ dagId: text, taskId: text, key: text, value: { text } });
        expect(await store.count({ dagIds: text, taskIds: text, key: text })).toBe(1);
      }
      // A LIKE-style pattern must not match: filters are equality, not patterns.
      expect(await store.count({ dagIds: 'a%', taskIds: 'a%b_c' })).toBe(0);
    });
  });
}
