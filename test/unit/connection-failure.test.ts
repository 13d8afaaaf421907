import { createPostgresEngine } from '../../src/engines/postgres-engine';
import { XComStoreUnavailableError } from '../../src/errors';

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
