import { cliStoreEnv } from './cli-store-env';
import { startUiProcess } from '../ui/ui-process';
import { runCli } from './cli-runner';

// A key's exclusivity (docs/exclusive-xcoms.md), stored with its entry, is shown where people look at the entry:
// `xcom get` (every format) and the web page's value page and API.
describe('exclusive declarations in xcom get and the web page', () => {
  const at = ['--dag', 'billing', '--run', 'r1', '--task', 'login'];
  const fixture = cliStoreEnv('exclusive', (store) =>
    store
      .commitAttempt({
        dagId: 'billing',
        runId: 'r1',
        taskId: 'login',
        mapIndex: -1,
        attempt: 1,
        fence: 1,
        values: new Map<string, unknown>([['return_value', 'ok'], ['session', 's-1'], ['region', 'eu']]),
        keyExclusive: new Map([
          ['session', { writer: 'login', readers: ['charge', 'refund'] }],
          ['region', { writer: 'login' }],
        ]),
      })
      .then(() => undefined),
  );

  test('xcom get names the writer and the readers; a key without a declaration says nothing of it', async () => {
    const session = await runCli(['get', ...at, '--key', 'session'], fixture.env);
    expect(session.status).toBe(0);
    expect(session.stdout).toContain('exclusive: only login may write it; only charge, refund may read it (besides the task that wrote it)');
    const region = await runCli(['get', ...at, '--key', 'region'], fixture.env);
    expect(region.stdout).toContain('exclusive: only login may write it; any task may read it');
    const plain = await runCli(['get', ...at], fixture.env);
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toContain('exclusive');
    const json = JSON.parse((await runCli(['get', ...at, '--key', 'session', '--json'], fixture.env)).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ exclusiveWriter: 'login', exclusiveReaders: ['charge', 'refund'] });
  });

  test('the web page shows it among the facts, and the API carries it', async () => {
    const ui = await startUiProcess(fixture.env);
    try {
      const at = (path: string) => new URL(path, ui.url);
      const task = at('/api/runs/billing/r1/tasks/login/-1');
      const listed = (await (await fetch(task)).json()) as { xcoms: { key: string; exclusiveWriter: string | null; exclusiveReaders: string[] | null }[] };
      const byKey = Object.fromEntries(listed.xcoms.map((x) => [x.key, [x.exclusiveWriter, x.exclusiveReaders]]));
      expect(byKey).toEqual({ return_value: [null, null], session: ['login', ['charge', 'refund']], region: ['login', null] });
      const page = await (await fetch(at('/runs/billing/r1/tasks/login/-1/xcoms/session'))).text();
      expect(page).toContain('<dt>exclusive</dt><dd class="fact-exclusive">only login may write it; only charge, refund may read it (besides the task that wrote it)</dd>');
      const plain = await (await fetch(at('/runs/billing/r1/tasks/login/-1/xcoms/return_value'))).text();
      expect(plain).toContain('fact-sha256');
      expect(plain).not.toContain('fact-exclusive');
    } finally {
      await ui.stop();
    }
  });
});
