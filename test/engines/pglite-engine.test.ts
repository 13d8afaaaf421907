import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { XComStoreLockedError } from '../../src/errors';
import { openEmbeddedEngine } from '../../src/engines/open-embedded-store';
import { createPgliteEngine, type PgliteEngine } from '../../src/engines/pglite-engine';
import { lockFilePath, readLock, type StoreLockInfo } from '../../src/engines/pglite-lock';
import { readSocketSecret, socketSecretPath } from '../../src/engines/socket-auth/socket-secret';

const CHILD = join(__dirname, 'fixtures', 'store-child.ts');
const root = mkdtempSync(join(tmpdir(), 'xcom-pglite-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ChildResult {
  ok: boolean;
  pid: number;
  code?: string;
  message?: string;
  kind?: string;
  description?: string;
  rows?: Array<{ id: number; note: string }>;
}

/** Runs fixtures/store-child.ts in a separate Node process and returns the JSON line it prints. */
function runChild(mode: 'open' | 'embedded' | 'open-and-exit', dataDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), CHILD, mode, dataDir],
      { timeout: 100_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`store-child ${mode} failed: ${err.message}\n${stderr}`));
        const line = stdout.trim().split('\n').at(-1) ?? '';
        try {
          resolve(JSON.parse(line) as ChildResult);
        } catch {
          reject(new Error(`store-child ${mode} printed no result: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

function writeLock(dataDir: string, info: StoreLockInfo): void {
  writeFileSync(lockFilePath(dataDir), JSON.stringify(info));
}

describe('createPgliteEngine: values and transactions', () => {
  let engine: PgliteEngine;
  beforeAll(async () => {
    engine = await createPgliteEngine({ dataDir: join(root, 'values') });
    await engine.exec(`
      create table t (k text primary key, i integer, size bigint, data bytea, at timestamptz, doc jsonb);
      create table tx (id integer primary key);`);
  });
  afterAll(() => engine.close());

  test('parameters and results keep their types: text, int, bigint, bytea, timestamptz, jsonb, null', async () => {
    const at = new Date('2024-05-06T07:08:09.123Z');
    const data = Buffer.from([0, 1, 2, 250, 255]);
    await engine.query('insert into t values ($1, $2, $3, $4, $5, $6)', [
      'full', 42, 5_000_000_000, data, at, JSON.stringify({ a: [1, 'x'], b: null }),
    ]);
    await engine.query('insert into t values ($1, $2, $3, $4, $5, $6)', ['empty', null, null, null, null, null]);
    await engine.query('insert into t (k, data) values ($1, $2)', ['u8', new Uint8Array([9, 8, 7])]);

    const rows = await engine.query<Record<string, unknown>>('select * from t order by k');
    const byKey = new Map(rows.map((row) => [row.k, row]));
    const full = byKey.get('full')!;
    expect(full.i).toBe(42);
    expect(full.size).toBe(5_000_000_000);
    expect(Buffer.isBuffer(full.data)).toBe(true);
    expect((full.data as Buffer).equals(data)).toBe(true);
    expect(full.at).toBeInstanceOf(Date);
    expect((full.at as Date).toISOString()).toBe(at.toISOString());
    expect(full.doc).toEqual({ a: [1, 'x'], b: null });
    expect(byKey.get('empty')).toEqual({ k: 'empty', i: null, size: null, data: null, at: null, doc: null });
    expect(byKey.get('u8')!.data).toEqual(Buffer.from([9, 8, 7]));

    const [agg] = await engine.query('select count(*) as n, sum(size)::bigint as total from t');
    expect(agg).toEqual({ n: 3, total: 5_000_000_000 });
  });

  test('a transaction commits when fn resolves', async () => {
    const result = await engine.transaction(async (tx) => {
      await tx.query('insert into tx values ($1)', [1]);
      await tx.exec('insert into tx values (2); insert into tx values (3);');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await engine.query('select id from tx order by id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  test('a transaction that throws leaves nothing behind', async () => {
    const failure = new Error('task failed');
    await expect(
      engine.transaction(async (tx) => {
        await tx.query('insert into tx values ($1)', [10]);
        await tx.query('insert into tx values ($1)', [11]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await engine.query('select id from tx where id >= 10')).toEqual([]);
    // and the session is usable afterwards (no transaction left open)
    await engine.query('insert into tx values ($1)', [12]);
    expect(await engine.query('select id from tx where id >= 10')).toEqual([{ id: 12 }]);
  });

  test('concurrent transactions and queries do not interleave', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        n % 2
          ? engine.transaction(async (tx) => {
              await tx.query('insert into tx values ($1)', [100 + n]);
              if (n === 3) throw new Error('rolled back');
            })
          : engine.query('insert into tx values ($1)', [100 + n]),
      ).map((p) => p.catch(() => undefined)),
    );
    const rows = await engine.query<{ id: number }>('select id from tx where id >= 100 order by id');
    expect(rows.map((r) => r.id)).toEqual([100, 101, 102, 104, 105, 106, 107, 108, 109]);
  });
});

describe('the data directory lock', () => {
  const dataDir = join(root, 'locked');

  test('a second open in this process fails naming the holder; close releases the lock', async () => {
    const engine = await createPgliteEngine({ dataDir });
    try {
      expect(readLock(dataDir)).toMatchObject({ pid: process.pid, hostname: hostname() });
      const second = createPgliteEngine({ dataDir });
      await expect(second).rejects.toThrow(XComStoreLockedError);
      await expect(second).rejects.toThrow(`this process (pid ${process.pid})`);
      await expect(second).rejects.toThrow(dataDir);
    } finally {
      await engine.close();
      await engine.close(); // idempotent
    }
    expect(readLock(dataDir)).toBeUndefined();
    await expect(engine.query('select 1')).rejects.toThrow(/is closed/);
  });

  test('another process cannot open a held directory, directly or through openEmbeddedEngine', async () => {
    const engine = await createPgliteEngine({ dataDir });
    try {
      const [direct, embedded] = await Promise.all([runChild('open', dataDir), runChild('embedded', dataDir)]);
      for (const child of [direct, embedded]) {
        expect(child).toMatchObject({ ok: false, code: 'XCOM_STORE_LOCKED' });
        expect(child.message).toContain(`pid ${process.pid} on host ${hostname()}`);
        expect(child.message).toContain(dataDir);
        expect(child.message).toMatch(/share: true|DATABASE_URL/);
      }
      expect(readLock(dataDir)?.pid).toBe(process.pid); // the failed attempts left our lock alone
    } finally {
      await engine.close();
    }
  });

  test('a lock left by a dead process is taken over with a warning', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeLock(dataDir, { pid: dead, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const engine = await createPgliteEngine({ dataDir });
      await engine.close();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`stale lock ${lockFilePath(dataDir)}: pid ${dead}`));
    } finally {
      warn.mockRestore();
    }
    expect(readLock(dataDir)).toBeUndefined();
  });

  test('a lock held on another host is never taken over', async () => {
    writeLock(dataDir, { pid: 1, hostname: 'build-server-7', startedAt: '2024-01-01T00:00:00.000Z' });
    try {
      await expect(createPgliteEngine({ dataDir })).rejects.toThrow(/pid 1 on host build-server-7 since 2024-01-01/);
    } finally {
      rmSync(lockFilePath(dataDir));
    }
  });

  test('a process that exits without closing the engine leaves no lock', async () => {
    const child = await runChild('open-and-exit', dataDir);
    expect(child.ok).toBe(true);
    expect(readLock(dataDir)).toBeUndefined();
  });
});

describe('sharing an open store over its socket', () => {
  const dataDir = join(root, 'shared');
  let engine: PgliteEngine;
  beforeAll(async () => {
    engine = await createPgliteEngine({ dataDir, share: true });
    await engine.exec('create table shared (id integer primary key, note text not null)');
    await engine.query('insert into shared values ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
  });
  afterAll(() => engine.close());

  const connect = async (): Promise<Client> => {
    const { host, port } = engine.socket!;
    const password = readSocketSecret(dataDir);
    const client = new Client({ host, port, user: 'postgres', database: 'postgres', password });
    await client.connect();
    return client;
  };

  test('the lock file advertises the socket', () => {
    expect(engine.socket).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
    expect(readLock(dataDir)).toMatchObject({ pid: process.pid, sharing: true, socket: engine.socket });
  });

  test('the socket refuses a client without the secret, or with a wrong one, naming where the secret is', async () => {
    const { host, port } = engine.socket!;
    for (const password of [undefined, 'guess', readSocketSecret(dataDir).replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))]) {
      const client = new Client({ host, port, user: 'postgres', database: 'postgres', password });
      const refused = await client.connect().then(
        () => undefined,
        (err: Error & { code?: string }) => err,
      );
      await client.end().catch(() => undefined);
      expect(refused).toBeInstanceOf(Error);
      if (password !== undefined) expect(refused).toMatchObject({ code: '28P01' });
      expect(refused?.message).toMatch(password === undefined ? /password/ : /password authentication failed/);
      if (password !== undefined) expect(refused?.message).toContain(socketSecretPath(dataDir));
    }
    // Nothing a refused client sent reached the store.
    expect(await engine.query('select count(*) as n from shared')).toEqual([{ n: 2 }]);
  });

  test('the secret is readable only by its user, and libpq (psql) authenticates with it over SCRAM', async () => {
    expect(statSync(socketSecretPath(dataDir)).mode & 0o777).toBe(0o600);
    const { port } = engine.socket!;
    // Asynchronously: the socket is served by this process's event loop.
    const psql = (password: string) =>
      new Promise<{ status: number; out: string; err: string }>((resolve) => {
        const args = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-tAc', 'select note from shared where id = 1'];
        const env = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '60' };
        execFile('psql', args, { env, encoding: 'utf8' }, (err, stdout, stderr) =>
          resolve({ status: err ? Number(err.code ?? 1) : 0, out: stdout.trim(), err: stderr }),
        );
      });
    expect(await psql(readSocketSecret(dataDir))).toEqual({ status: 0, out: 'one', err: '' });
    const wrong = await psql('nope');
    expect(wrong.status).not.toBe(0);
    expect(wrong.err).toContain('password authentication failed');
  });

  test('a secret file others can read is refused by clients, naming its mode', async () => {
    const path = socketSecretPath(dataDir);
    chmodSync(path, 0o644);
    try {
      await expect(openEmbeddedEngine({ dataDir })).rejects.toThrow(`${path} is readable by others (mode 644)`);
    } finally {
      chmodSync(path, 0o600);
    }
  });

  test('another process reaches the store through the socket and sees rows written here', async () => {
    const child = await runChild('embedded', dataDir);
    expect(child).toMatchObject({ ok: true, kind: 'postgres' });
    expect(child.description).toContain(`opened by pid ${process.pid}`);
    expect(child.rows).toEqual([
      { id: 1, note: 'one' },
      { id: 2, note: 'two' },
    ]);
    expect(await engine.query('select note from shared where id = $1', [child.pid])).toEqual([{ note: 'from child' }]);
  });

  test("connections take turns: large parameters from several connections never run each other's statement", async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, connect));
    try {
      await Promise.all(
        clients.map(async (client, c) => {
          for (let j = 0; j < 6; j++) {
            // A 300 kB parameter arrives in several TCP reads; pglite-socket's own queue let others in between them.
            const big = `c${c}` + 'x'.repeat(j % 2 ? 10 : 300_000);
            const sql = `select $1::int + ${c * 1000} as n${c}, left($2::text, 2) as who`;
            const { rows } = await client.query(sql, [j, big]);
            expect(rows).toEqual([{ [`n${c}`]: c * 1000 + j, who: `c${c}` }]);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  test("this process's queries wait for a connection's open transaction instead of joining it", async () => {
    const client = await connect();
    try {
      await client.query('begin');
      await client.query('insert into shared values ($1, $2)', [500, 'uncommitted']);
      let settled = false;
      const local = engine.query('select count(*) as n from shared where id = 500');
      void local.finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await client.query('rollback');
      expect(await local).toEqual([{ n: 0 }]);
    } finally {
      await client.end();
    }
  });

  test('a connection that disconnects mid-transaction is rolled back and frees the store', async () => {
    const client = await connect();
    await client.query('begin');
    await client.query('insert into shared values ($1, $2)', [600, 'abandoned']);
    await client.end();
    expect(await engine.query('select id from shared where id = 600')).toEqual([]);
  });

  test('openEmbeddedEngine connects through the socket of a shared store, and opens a free directory', async () => {
    const viaSocket = await openEmbeddedEngine({ dataDir });
    try {
      expect(viaSocket.kind).toBe('postgres');
      const { port } = engine.socket!;
      expect(viaSocket.description).toBe(`pglite:${dataDir} through 127.0.0.1:${port} (opened by pid ${process.pid})`);
      expect(await viaSocket.query('select note from shared where id = $1', [1])).toEqual([{ note: 'one' }]);
    } finally {
      await viaSocket.close();
    }
    const free = await openEmbeddedEngine({ dataDir: join(root, 'embedded-free') });
    try {
      expect(free.kind).toBe('pglite');
    } finally {
      await free.close();
    }
  });

  test('openEmbeddedEngine waits a while for a holder still starting its socket, then names it', async () => {
    const starting = join(root, 'starting');
    mkdirSync(starting);
    writeLock(starting, { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), sharing: true });
    const started = Date.now();
    await expect(openEmbeddedEngine({ dataDir: starting, socketWaitMs: 300 })).rejects.toThrow(XComStoreLockedError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  test('a port in use fails with the port named, and leaves the directory unlocked', async () => {
    const dir = join(root, 'port-taken');
    const taken = createPgliteEngine({ dataDir: dir, share: { port: engine.socket!.port } });
    await expect(taken).rejects.toThrow(`cannot share the embedded XCom store on 127.0.0.1:${engine.socket!.port}`);
    expect(readLock(dir)).toBeUndefined();
  });

  test('close stops the socket and releases the lock', async () => {
    const other = await createPgliteEngine({ dataDir: join(root, 'shared-close'), share: true });
    const { port } = other.socket!;
    expect(existsSync(socketSecretPath(join(root, 'shared-close')))).toBe(true);
    await other.close();
    expect(readLock(join(root, 'shared-close'))).toBeUndefined();
    expect(existsSync(socketSecretPath(join(root, 'shared-close')))).toBe(false);
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
  });
});
