import { userInfo } from 'node:os';
import type { AuditedRead } from '../../src/audit/audited-read';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { runCli } from './cli-runner';
import { cliStoreEnv } from './cli-store-env';

type Item = Record<string, unknown>;

// `xcom lineage`: who read a run's XComs (consumption lineage from the audit trail), and the CLI's deletes recorded
// with the user who ran them.
describe('xcom lineage and audited CLI deletes (built binary)', () => {
  const dag = 'etl';
  const runId = 'run_1';
  const digests: Record<string, string> = {};

  const fixture = cliStoreEnv('lineage', async (store) => {
    const commit = (taskId: string, attempt: number, values: [string, unknown][], reads: AuditedRead[] = [], run = runId) =>
      store.commitAttempt({ dagId: dag, runId: run, taskId, mapIndex: -1, attempt, fence: attempt, values: new Map(values), reads });
    await commit('extract', 1, [['return_value', [1, 2, 3]], ['api_token', 'sk-live-1']]);
    const read = async (key: string, readAt: string): Promise<AuditedRead> => {
      const record = (await store.get({ dagId: dag, runId, taskId: 'extract', key }))!;
      digests[key] = record.digest;
      return { dagId: dag, runId, taskId: 'extract', mapIndex: -1, key, digest: record.digest, readAt: new Date(readAt) };
    };
    const rows = await read('return_value', '2024-03-01T10:00:00Z');
    const token = await read('api_token', '2024-03-01T10:00:01Z');
    // transform's first attempt read and failed; its retry read and committed.
    await store.discard([], { reader: { dagId: dag, runId, taskId: 'transform', mapIndex: -1, attempt: 1, fence: 1 }, reads: [rows] });
    await commit('transform', 2, [['return_value', 6]], [rows, token]);
    await commit('load', 1, [], [rows]);
    // A reader in another run (a cross-run pull).
    await commit('report', 1, [], [rows], 'run_2');
  });

  test("table: each version's readers with their attempt and outcome; digests under sensitive keys are masked", async () => {
    const run = await runCli(['lineage', '--dag', dag, '--run', runId], fixture.env);
    expect(run).toMatchObject({ status: 0 });
    const lines = run.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
    expect(lines[1]!.every((cell) => /^-+$/.test(cell))).toBe(true);
    expect(lines[0]).toEqual(['task_id', 'map_index', 'key', 'sha256', 'read_by', 'attempt', 'outcome', 'read_at']);
    expect(lines.slice(2).map((cells) => cells.slice(0, 7))).toEqual([
      ['extract', '-1', 'api_token', '***', 'transform', '2', 'committed'],
      ['extract', '-1', 'return_value', digests.return_value!.slice(0, 12), 'transform', '1', 'failed'],
      ['extract', '-1', 'return_value', digests.return_value!.slice(0, 12), 'transform', '2', 'committed'],
      ['extract', '-1', 'return_value', digests.return_value!.slice(0, 12), 'load', '1', 'committed'],
      ['extract', '-1', 'return_value', digests.return_value!.slice(0, 12), `${dag}/run_2/report`, '1', 'committed'],
    ]);
    expect(run.stdout).not.toContain(digests.api_token!.slice(0, 12));
    const unmasked = await runCli(['lineage', '--dag', dag, '--run', runId, '--key', 'api_token', '--no-mask', '--json'], fixture.env);
    expect((JSON.parse(unmasked.stdout) as Item[]).map((r) => r.digest)).toEqual([digests.api_token]);
  });

  test('--json pages through --after; --task and --key filter; an unread run says so', async () => {
    const reads: Item[] = [];
    let after: string[] = [];
    for (let pages = 1; ; pages++) {
      const page = await runCli(['lineage', '--dag', dag, '--run', runId, '--json', '--limit', '2', ...after], fixture.env);
      expect(page.status).toBe(0);
      reads.push(...(JSON.parse(page.stdout) as Item[]));
      const next = /next page: --after (\S+)/.exec(page.stderr);
      if (!next) {
        expect(pages).toBe(3);
        break;
      }
      after = ['--after', next[1]!];
    }
    expect(reads.map((r) => `${r.key}<-${(r.reader as Item).taskId}#${(r.reader as Item).attempt}`)).toEqual([
      'api_token<-transform#2',
      'return_value<-transform#1',
      'return_value<-transform#2',
      'return_value<-load#1',
      'return_value<-report#1',
    ]);
    expect(reads[0]).toMatchObject({ taskId: 'extract', mapIndex: -1, readAt: '2024-03-01T10:00:01.000Z' });

    const byTask = JSON.parse((await runCli(['lineage', '--dag', dag, '--run', runId, '--task', 'extract', '--key', 'return_value', '--json'], fixture.env)).stdout) as Item[];
    expect(byTask).toHaveLength(4);
    const none = await runCli(['lineage', '--dag', dag, '--run', runId, '--task', 'transform'], fixture.env);
    expect(none).toMatchObject({ status: 0 });
    expect(none.stdout + none.stderr).toContain(`no recorded reads of dag=${dag} run=${runId} task=transform`);
    const bad = await runCli(['lineage', '--dag', dag, '--run', runId, '--after', 'bogus'], fixture.env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("is not a cursor that 'xcom lineage' printed");
  });

  test('--upstream: what a run\'s (or a task\'s) attempts read, from any run; its cursors are its own', async () => {
    const run = await runCli(['lineage', '--dag', dag, '--run', runId, '--upstream', '--task', 'transform'], fixture.env);
    expect(run).toMatchObject({ status: 0 });
    const lines = run.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
    expect(lines[0]).toEqual(['task_id', 'map_index', 'attempt', 'outcome', 'read', 'key', 'sha256', 'read_at']);
    expect(lines.slice(2).map((cells) => cells.slice(0, 7))).toEqual([
      ['transform', '-1', '1', 'failed', 'extract', 'return_value', digests.return_value!.slice(0, 12)],
      ['transform', '-1', '2', 'committed', 'extract', 'return_value', digests.return_value!.slice(0, 12)],
      ['transform', '-1', '2', 'committed', 'extract', 'api_token', '***'],
    ]);
    // Another run's reader: the entry it read is named with its DAG and run.
    const other = JSON.parse((await runCli(['lineage', '--dag', dag, '--run', 'run_2', '--upstream', '--json'], fixture.env)).stdout) as Item[];
    expect(other).toEqual([expect.objectContaining({ dagId: dag, runId, taskId: 'extract', key: 'return_value', digest: digests.return_value })]);
    expect((other[0]!.reader as Item)).toMatchObject({ dagId: dag, runId: 'run_2', taskId: 'report', attempt: 1, outcome: 'committed' });
    const otherTable = await runCli(['lineage', '--dag', dag, '--run', 'run_2', '--upstream'], fixture.env);
    expect(otherTable.stdout).toContain(`${dag}/${runId}/extract`);

    const first = await runCli(['lineage', '--dag', dag, '--run', runId, '--upstream', '--json', '--limit', '2'], fixture.env);
    const cursor = /next page: --after (\S+)/.exec(first.stderr)![1]!;
    const second = await runCli(['lineage', '--dag', dag, '--run', runId, '--upstream', '--json', '--limit', '2', '--after', cursor], fixture.env);
    expect(/next page/.test(second.stderr)).toBe(false);
    const readers = [...(JSON.parse(first.stdout) as Item[]), ...(JSON.parse(second.stdout) as Item[])].map((r) => (r.reader as Item).taskId);
    expect(readers).toEqual(['load', 'transform', 'transform', 'transform']);
    const mixed = await runCli(['lineage', '--dag', dag, '--run', runId, '--after', cursor], fixture.env);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain("a cursor of 'xcom lineage --upstream': pass --upstream");
    const keyed = await runCli(['lineage', '--dag', dag, '--run', runId, '--upstream', '--key', 'x'], fixture.env);
    expect(keyed.status).toBe(2);
  });

  test('a delete through the CLI is recorded with the user and the command', async () => {
    const cleared = await runCli(['clear', '--dag', dag, '--run', 'run_2', '--yes', '--json'], fixture.env);
    expect(cleared.status).toBe(0);
    const engine = createPostgresEngine({ connectionString: fixture.env.DATABASE_URL });
    try {
      const rows = await engine.query<Item>(
        `select actor_kind, actor, dag_id, run_id, entries from xcom.audit where action = 'delete' order by id`,
      );
      expect(rows).toEqual([
        { actor_kind: 'cli', actor: `${userInfo().username}: xcom clear`, dag_id: dag, run_id: 'run_2', entries: 0 },
      ]);
    } finally {
      await engine.close();
    }
  });
});
