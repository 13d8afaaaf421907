import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { Client, escapeIdentifier } from 'pg';
import { waitUntil } from './wait-until';

const execFileAsync = promisify(execFile);
const LOCAL_PORT = '5432';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '']);
const READY_TIMEOUT_MS = 60_000;
/** No server behind the address: worth starting the local cluster. Anything else (auth, unknown db) is not. */
const NOT_RUNNING = new Set(['ECONNREFUSED', 'ENOENT']);
/** "the database system is starting up" / "... is shutting down" while pg_ctlcluster is at work. */
const TRANSIENT_SQLSTATES = new Set(['57P03', '57P01']);

/**
 * Makes sure `url` accepts connections. When nothing listens and `url` is the machine's default local cluster
 * (127.0.0.1/localhost:5432), starts it with pg_ctlcluster and waits for it; otherwise reports why it cannot connect.
 */
export async function ensureLocalPostgres(url: string): Promise<void> {
  const first = await tryConnect(url);
  if (first === undefined) return;
  const code = (first as { code?: string }).code ?? '';
  if (!TRANSIENT_SQLSTATES.has(code)) {
    if (!NOT_RUNNING.has(code) || !isLocalDefault(url)) {
      throw new Error(`Cannot connect to Postgres at ${redact(url)}: ${first.message}`, { cause: first });
    }
    await startLocalCluster(url);
  }
  await waitUntil(
    `Postgres at ${redact(url)}`,
    async () => {
      const error = await tryConnect(url);
      if (error) throw error;
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250 },
  );
}

async function startLocalCluster(url: string): Promise<void> {
  const command = ['pg_ctlcluster', '--skip-systemctl-redirect', localClusterVersion(), 'main', 'start'];
  const where = redact(url);
  process.stderr.write(`[temporal-xcom] Postgres is not running at ${where}; starting it: ${command.join(' ')}\n`);
  try {
    await execFileAsync(command[0] as string, command.slice(1));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    // Someone else (another test process, .ci/run) started it in the meantime.
    if (/already running/i.test(stderr)) return;
    throw new Error(`\`${command.join(' ')}\` failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/** `CREATE DATABASE name [TEMPLATE template]`, connected as `adminUrl`. */
export async function createDatabase(
  adminUrl: string,
  name: string,
  options: { template?: string } = {},
): Promise<void> {
  const template = options.template === undefined ? '' : ` TEMPLATE ${escapeIdentifier(options.template)}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${escapeIdentifier(name)}${template}`));
}

/** Drops `name` if it exists, ending its sessions first (a test that leaked a pool must not block the cleanup). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = `DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`;
  await withClient(adminUrl, (client) => client.query(sql));
}

/** `adminUrl` pointed at database `name`, keeping host, credentials and query parameters. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** The url without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database url)';
  }
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function tryConnect(url: string): Promise<Error | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isLocalDefault(url: string): boolean {
  try {
    const parsed = new URL(url);
    return LOCAL_HOSTS.has(parsed.hostname) && (parsed.port === '' || parsed.port === LOCAL_PORT);
  } catch {
    return false;
  }
}

/** Highest major version under /etc/postgresql (Debian's layout: /etc/postgresql/<version>/<cluster>). */
function localClusterVersion(): string {
  let versions: string[];
  try {
    versions = readdirSync('/etc/postgresql').filter((entry) => /^\d+(\.\d+)?$/.test(entry));
  } catch (error) {
    throw new Error('Postgres is not running and /etc/postgresql is missing, so it cannot be started here', {
      cause: error,
    });
  }
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error('Postgres is not running and /etc/postgresql holds no cluster version');
  return newest;
}
