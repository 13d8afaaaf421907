import { PGlite } from '@electric-sql/pglite';
import { PGLITE_SERIALIZERS } from '../../src/engines/pglite-engine';
import { Client } from 'pg';
import type { ResolvedIdentity } from '../../src/store/identity';
import { identityParams } from './fixtures';
import { FLOOR_DDL, FLOOR_SELECT, FLOOR_UPSERT, FLOOR_UPSERT_MANY } from './floor-sql';

/** The bare statements the store is compared with, on one connection. */
export interface FloorDb {
  upsert(id: ResolvedIdentity, value: Uint8Array): Promise<void>;
  upsertMany(ids: readonly ResolvedIdentity[], value: Uint8Array): Promise<void>;
  select(id: ResolvedIdentity): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A bare `pg` Client (no pool) on the scratch database, whose floor table the bench env created. */
export async function pgFloor(connectionString: string): Promise<FloorDb> {
  const client = new Client({ connectionString });
  await client.connect();
  return {
    async upsert(id, value) {
      await client.query(FLOOR_UPSERT, [...identityParams(id), value]);
    },
    async upsertMany(ids, value) {
      await client.query(FLOOR_UPSERT_MANY, columns(ids, value));
    },
    async select(id) {
      const { rows } = await client.query<{ value: Buffer }>(FLOOR_SELECT, identityParams(id));
      return found(rows[0]?.value, id);
    },
    close: () => client.end(),
  };
}

/**
 * PGlite's own `db.query` on a database of its own in `dataDir` (the store's engine keeps its instance private),
 * serializing parameters as the store's engine does (bytea in one native call, not PGlite's byte-at-a-time default).
 */
export async function pgliteFloor(dataDir: string): Promise<FloorDb> {
  const db = await PGlite.create({ dataDir, serializers: PGLITE_SERIALIZERS });
  await db.exec(FLOOR_DDL);
  return {
    async upsert(id, value) {
      await db.query(FLOOR_UPSERT, [...identityParams(id), value]);
    },
    async upsertMany(ids, value) {
      await db.query(FLOOR_UPSERT_MANY, columns(ids, value));
    },
    async select(id) {
      const { rows } = await db.query<{ value: Uint8Array }>(FLOOR_SELECT, identityParams(id));
      return found(rows[0]?.value, id);
    },
    close: () => db.close(),
  };
}

function columns(ids: readonly ResolvedIdentity[], value: Uint8Array): unknown[] {
  return [
    ids.map((id) => id.dagId),
    ids.map((id) => id.runId),
    ids.map((id) => id.taskId),
    ids.map((id) => id.mapIndex),
    ids.map((id) => id.key),
    ids.map(() => value),
  ];
}

function found<T>(value: T | undefined, id: ResolvedIdentity): T {
  if (value === undefined) throw new Error(`floor row missing: ${JSON.stringify(id)}`);
  return value;
}
