import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedEngine } from '../../src/engines/open-embedded-store';
import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { XComConfigError, XComStoreUnavailableError } from '../../src/errors';

describe('a Postgres server that cannot be reached', () => {
  it('fails with an error naming XCom, the server and DATABASE_URL, keeping the original as the cause', async () => {
    // Port 1 on localhost refuses connections.
    const engine = createPostgresEngine({ connectionString: 'postgres://xcom:secret@127.0.0.1:1/xcom' });
    try {
      for (const attempt of [() => engine.query('select 1'), () => engine.exec('select 1'), () => engine.transaction(async () => 1)]) {
        const error = (await attempt().catch((err: unknown) => err)) as XComStoreUnavailableError;
        expect(error).toBeInstanceOf(XComStoreUnavailableError);
        expect(error.code).toBe('XCOM_STORE_UNAVAILABLE');
        expect(error.message).toMatch(/^XCom store unavailable: cannot reach its Postgres database at postgres:\/\/xcom@127\.0\.0\.1:1\/xcom \(.*ECONNREFUSED/);
        expect(error.message).toContain('DATABASE_URL');
        expect(error.message).not.toContain('secret');
        expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
      }
    } finally {
      await engine.close();
    }
  });
});

describe('an embedded store directory that cannot hold the store', () => {
  it('fails with an error naming the XCom store, the directory and XCOM_DATA_DIR', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'xcom-unopenable-'));
    try {
      // A file where the directory should be: mkdir fails under any user, root included.
      await writeFile(path.join(dir, 'file'), 'in the way');
      const dataDir = path.join(dir, 'file', 'store');
      const error = (await openEmbeddedEngine({ dataDir }).catch((err: unknown) => err)) as XComConfigError;
      expect(error).toBeInstanceOf(XComConfigError);
      expect(error.message).toMatch(new RegExp(`^cannot create the embedded XCom store directory ${dataDir}: ENOTDIR`));
      expect(error.message).toContain('Point XCOM_DATA_DIR (default ./.xcom) at a directory this process can write');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
