import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MINIO } from '../../services/versions';

/** One line per fact about where the numbers came from. */
export async function describeMachine(databaseUrl: string): Promise<string[]> {
  const cpu = cpus();
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let postgres: string;
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('server_version', 'fsync', 'synchronous_commit', 'shared_buffers')`,
    );
    const s = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    postgres = `Postgres ${s.server_version} (fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, shared_buffers=${s.shared_buffers} × 8 kB), same machine, TCP loopback`;
  } finally {
    await client.end();
  }
  return [
    `CPU: ${cpu[0]?.model.trim() ?? 'unknown'}, ${cpu.length} cores; ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `OS: ${osType()} ${release()}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `Node ${process.version}; pg ${packageVersion('pg')}; @aws-sdk/client-s3 ${packageVersion('@aws-sdk/client-s3')}; PGlite ${packageVersion('@electric-sql/pglite')}`,
    postgres,
    `MinIO ${MINIO.version} on loopback (single drive in a temp directory)`,
  ];
}

function packageVersion(name: string): string {
  try {
    const file = join(__dirname, '..', '..', 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}
