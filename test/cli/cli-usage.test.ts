import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { STORE_ENV_VARS } from '../../src/config/store-config';
import { runCli } from './cli-runner';

const COMMANDS = ['migrate', 'status', 'list', 'get', 'runs', 'tasks', 'ledger', 'lineage', 'purge', 'keep-latest', 'clear', 'trim-ledger', 'gc', 'rotate-keys'];

describe('xcom usage (built binary, no store needed)', () => {
  let emptyDir: string;

  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(tmpdir(), 'xcom-cli-empty-'));
  });

  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
  });

  test('--help lists every command, the environment and the exit statuses; no command is bad usage', async () => {
    const help = await runCli(['--help'], {});
    expect(help.status).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    for (const [name] of STORE_ENV_VARS) expect(help.stdout).toContain(name);
    expect(help.stdout).toContain('Exit status');
    expect((await runCli(['help'], {})).stdout).toBe(help.stdout);

    const bare = await runCli([], {});
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('Usage: xcom');
  });

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'], {})).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
  });

  test.each([
    ['purge', ['--older-than', '--dag', '--dry-run', '--yes', '--batch-size']],
    ['keep-latest', ['--dag', '--runs', '--yes']],
    ['clear', ['--dag', '--run', '--task', '--map-index', '--yes']],
    ['trim-ledger', ['--older-than', '--audit-older-than', '--yes']],
    ['lineage', ['--dag', '--run', '--task', '--key', '--upstream', '--limit', '--after', '--no-mask']],
    ['runs', ['--dag', '--limit', '--after', '--sizes']],
    ['tasks', ['--dag', '--run', '--after']],
    ['ledger', ['--dag', '--run', '--outcome']],
    ['list', ['--dag', '--limit', '--after', '--preview-chars']],
    ['get', ['--dag', '--run', '--task', '--key', '--full']],
    ['status', ['--exact', '--timeout']],
    ['gc', ['--dry-run', '--grace']],
    ['rotate-keys', ['--batch-size', '--include-plaintext']],
  ])('xcom %s --help describes its own options and the global ones', async (command, flags) => {
    for (const args of [[command, '--help'], ['help', command]]) {
      const help = await runCli(args, {});
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`Usage: xcom ${command}`);
      for (const flag of [...flags, '--output', '--database-url']) expect(help.stdout).toContain(flag);
    }
  });

  test('bad usage exits 2 and names what was wrong', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], "unknown command 'frobnicate'"],
      [['list', '--limit', 'lots'], "--limit must be an integer 1..1000, got 'lots'"],
      [['list', '--bogus'], "unknown option '--bogus'"],
      [['get', '--dag', 'd'], "required option '--run <id>' not specified"],
      [['list', '-o', 'xml'], "argument 'xml' is invalid. Allowed choices are table, json, ndjson, yaml"],
      [['list', '--json', '-o', 'yaml'], '--json and --output yaml disagree'],
      [['purge', '--older-than', '7'], "--older-than must be a duration such as '7d' or '12h', or a date"],
      [['purge'], "required option '--older-than <age|date>' not specified"],
      [['keep-latest', '--dag', 'd', '--runs', '-1'], "--runs must be an integer >= 0, got '-1'"],
      [['clear', '--dag', 'd', '--task', 't'], 'xcom clear --task needs --run'],
      [['clear', '--dag', 'd', '--run', 'r', '--map-index', '2'], 'xcom clear --map-index needs --task'],
      [['runs', '--from', 'yesterday'], "--from must be a date such as '2024-06-01'"],
      [['ledger', '--dag', 'd', '--run', 'r', '--outcome', 'won'], "argument 'won' is invalid"],
      [['list', '--after', 'not-a-cursor'], "--after 'not-a-cursor' is not a cursor that 'xcom list' printed"],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, { XCOM_DATA_DIR: path.join(emptyDir, 'usage') });
      expect({ args, status: run.status }).toEqual({ args, status: 2 });
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain("'xcom <command> --help'");
    }
  }, 300_000);

  test('a directory without a store: the command says so and stops, and creates nothing', async () => {
    for (const args of [['status'], ['list'], ['purge', '--older-than', '7d', '--yes']]) {
      const run = await runCli(args, {}, { cwd: emptyDir });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`no XCom store in ${path.join(emptyDir, '.xcom')}`);
      expect(run.stderr).toMatch(/XCOM_DATA_DIR or --data-dir.*--create/);
    }
    expect(existsSync(path.join(emptyDir, '.xcom'))).toBe(false);
  });
});
