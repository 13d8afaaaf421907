import { newDigestKey, unwrapDigestKey, wrapDigestKey } from '../codec/digest-key';
import { ENCRYPTION_KEYS_SETTING, type EncryptionKeyring } from '../codec/encryption-keys';
import type { SqlEngine, SqlExecutor } from '../engines/sql-engine';
import { XComConfigError, XComIntegrityError } from '../errors';

/** The id of the one digest key a store has (`digest_keys.key_id`). */
export const STORE_DIGEST_KEY_ID = 'store';

const UNDEFINED_TABLE = '42P01';

interface DigestKeyRow {
  wrapped: Uint8Array;
  wrapped_by: string;
}

/**
 * The store's digest key, generated and kept wrapped by the current encryption key the first time a process asks
 * (concurrent first callers race on the primary key; every one unwraps the winner's). `schema` is quoted.
 */
export async function storedDigestKey(engine: SqlEngine, schema: string, keyring: EncryptionKeyring): Promise<Buffer> {
  const kek = keyring.current;
  try {
    await engine.query(
      `insert into ${schema}.digest_keys (key_id, wrapped, wrapped_by) values ($1, $2, $3) on conflict (key_id) do nothing`,
      [STORE_DIGEST_KEY_ID, wrapDigestKey(newDigestKey(), STORE_DIGEST_KEY_ID, kek), kek.id],
    );
  } catch (err) {
    if ((err as { code?: string }).code !== UNDEFINED_TABLE) throw err;
    throw new XComConfigError(
      `Cannot keep the store's digest key in ${schema}.digest_keys (${(err as Error).message}): a schema older than ` +
        `migration 8 needs 'xcom migrate' before encrypted values are written.`,
      { cause: err },
    );
  }
  return unwrapped(await selectKey(engine, schema, false), schema, keyring);
}

/**
 * Wraps the digest key again under the current encryption key, so older keys can be removed. Returns the id of the key
 * it was wrapped by before (the current key's id when there was nothing to do).
 */
export async function rewrapDigestKey(engine: SqlEngine, schema: string, keyring: EncryptionKeyring): Promise<string> {
  await storedDigestKey(engine, schema, keyring);
  return engine.transaction(async (tx) => {
    const row = await selectKey(tx, schema, true);
    const before = row.wrapped_by;
    if (before === keyring.current.id) return before;
    const key = unwrapped(row, schema, keyring);
    await tx.query(`update ${schema}.digest_keys set wrapped = $2, wrapped_by = $3, rewrapped_at = now() where key_id = $1`, [
      STORE_DIGEST_KEY_ID,
      wrapDigestKey(key, STORE_DIGEST_KEY_ID, keyring.current),
      keyring.current.id,
    ]);
    return before;
  });
}

async function selectKey(db: SqlExecutor, schema: string, forUpdate: boolean): Promise<DigestKeyRow> {
  const [row] = await db.query<DigestKeyRow>(
    `select wrapped, wrapped_by from ${schema}.digest_keys where key_id = $1${forUpdate ? ' for update' : ''}`,
    [STORE_DIGEST_KEY_ID],
  );
  if (!row) throw new XComIntegrityError(`${schema}.digest_keys has no '${STORE_DIGEST_KEY_ID}' row`);
  return row;
}

function unwrapped(row: DigestKeyRow, schema: string, keyring: EncryptionKeyring): Buffer {
  const kek = keyring.byId(row.wrapped_by);
  if (!kek) {
    throw new XComConfigError(
      `The store's digest key (${schema}.digest_keys) is wrapped by encryption key '${row.wrapped_by}', which ` +
        `${ENCRYPTION_KEYS_SETTING} does not hold (it holds ${keyring.ids.map((k) => `'${k}'`).join(', ')}). Keep ` +
        `'${row.wrapped_by}' listed until 'xcom rotate-keys' has run with the new key first.`,
    );
  }
  try {
    return unwrapDigestKey(Buffer.from(row.wrapped), STORE_DIGEST_KEY_ID, kek);
  } catch (err) {
    throw new XComIntegrityError(
      `The store's digest key (${schema}.digest_keys) does not unwrap with key '${kek.id}': either ` +
        `${ENCRYPTION_KEYS_SETTING} gives id '${kek.id}' another secret than the one that wrapped it, or the row was ` +
        `changed in the database`,
      { cause: err },
    );
  }
}
