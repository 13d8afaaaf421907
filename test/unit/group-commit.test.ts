import type { AttemptGroup, CommitOutcome } from '../../src/store/commit-statement';
import { GroupCommitter } from '../../src/store/group-commit';

const group = (taskId: string, keys: number): AttemptGroup => ({
  instance: { dagId: 'd', runId: 'r', taskId, mapIndex: -1 },
  attempt: 1,
  fence: 1,
  entries: Array.from({ length: keys }, (_, k) => ({
    identity: { dagId: 'd', runId: 'r', taskId, mapIndex: -1, key: `k${k}` },
    sizeBytes: 1,
    storedBytes: 1,
    digest: 'ab',
    encoding: 'json',
    inlineValue: Buffer.from('1'),
    objectKey: null,
    keepUntil: null,
  })),
});

/** A commit that records its batches and finishes when the test says so. */
function recordingCommit(fail: (g: AttemptGroup) => boolean = () => false) {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  const commit = (groups: readonly AttemptGroup[]): Promise<CommitOutcome> => {
    batches.push(groups.map((g) => g.instance.taskId));
    return new Promise((resolve, reject) => {
      gates.push(() => {
        if (groups.some(fail)) return reject(new Error(`failed: ${groups.map((g) => g.instance.taskId).join(',')}`));
        resolve({
          won: groups.map((g) => g.instance.taskId !== 'loser'),
          written: groups.flatMap((g) => g.entries.map(() => g.instance.taskId !== 'loser')),
          superseded: groups.map((_g, i) => i),
          notified: 0,
          refusals: groups.map((g) => (g.instance.taskId === 'refused' ? '{"kind":"consume"}' : null)),
        });
      });
    });
  };
  const release = async () => {
    for (let spins = 0; gates.length === 0; spins++) {
      if (spins > 10_000) throw new Error('no commit is waiting to be released');
      await Promise.resolve();
    }
    gates.shift()!();
  };
  return { batches, commit, release };
}

describe('GroupCommitter', () => {
  test('a lone commit goes at once; commits arriving while it is in flight go together next, each with its share', async () => {
    const rec = recordingCommit();
    const committer = new GroupCommitter(rec.commit);
    const first = committer.submit(group('a', 1));
    const later = [committer.submit(group('b', 2)), committer.submit(group('loser', 1)), committer.submit(group('c', 3))];
    expect(rec.batches).toEqual([['a']]);
    await rec.release();
    expect(await first).toEqual({ won: true, written: [true], superseded: 0, refusal: null });
    await rec.release();
    expect(rec.batches).toEqual([['a'], ['b', 'loser', 'c']]);
    expect(await Promise.all(later)).toEqual([
      { won: true, written: [true, true], superseded: 0, refusal: null },
      { won: false, written: [false], superseded: 1, refusal: null },
      { won: true, written: [true, true, true], superseded: 2, refusal: null },
    ]);
  });

  test('a refusal (exclusive XComs) is the refused attempt\'s alone: the batch is not retried, the others keep their outcome', async () => {
    const rec = recordingCommit();
    const committer = new GroupCommitter(rec.commit);
    const first = committer.submit(group('first', 1));
    const later = [committer.submit(group('good', 1)), committer.submit(group('refused', 1)), committer.submit(group('other', 1))];
    await rec.release();
    await rec.release();
    await first;
    expect((await Promise.all(later)).map((o) => o.refusal)).toEqual([null, '{"kind":"consume"}', null]);
    expect(rec.batches).toEqual([['first'], ['good', 'refused', 'other']]);
  });

  test('two attempts of one task instance never share a statement', async () => {
    const rec = recordingCommit();
    const committer = new GroupCommitter(rec.commit);
    const all = [committer.submit(group('x', 1)), committer.submit(group('a', 1)), committer.submit(group('a', 1)), committer.submit(group('b', 1))];
    await rec.release();
    await rec.release();
    await rec.release();
    await Promise.all(all);
    expect(rec.batches).toEqual([['x'], ['a', 'b'], ['a']]);
  });

  test('a failed batch is retried one attempt at a time: only the failing attempt gets the error', async () => {
    const rec = recordingCommit((g) => g.instance.taskId === 'bad');
    const committer = new GroupCommitter(rec.commit);
    const first = committer.submit(group('first', 1));
    const good = committer.submit(group('good', 1));
    const bad = committer.submit(group('bad', 1));
    for (let i = 0; i < 4; i++) await rec.release();
    await first;
    expect(await good).toMatchObject({ won: true });
    await expect(bad).rejects.toThrow('failed: bad');
    expect(rec.batches).toEqual([['first'], ['good', 'bad'], ['good'], ['bad']]);
  });

  test('batches are bounded', async () => {
    const rec = recordingCommit();
    const committer = new GroupCommitter(rec.commit, 2);
    const all = ['a', 'b', 'c', 'd', 'e'].map((t) => committer.submit(group(t, 1)));
    for (let i = 0; i < 3; i++) await rec.release();
    await Promise.all(all);
    expect(rec.batches).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });
});
