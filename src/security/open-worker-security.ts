import { randomBytes } from 'node:crypto';
import type { SqlEngine } from '../engines/sql-engine';
import { xcomLog } from '../log/xcom-log';
import type { XComBackend } from '../store/backend';
import { accessPolicyFromEnv } from './access-policy-env';
import { checkedPolicy, type AccessPolicy } from './access-policy';
import { RunOwners } from './run-owners';
import { parseSigningKeys, signingKeys, type SigningKeyInput, type SigningKeys } from './signing-key';
import { storedSigningKeys } from './stored-signing-key';
import { WorkerSecurity, type KnownDagLookup } from './worker-security';

/** The plugin options that configure refs and DAG access (docs/access-policy.md, SECURITY.md). */
export interface SecurityOptions {
  /**
   * Keys refs are signed with: the first signs, all verify. @default `XCOM_SIGNING_KEY` (`<id>:<secret>,…`), else a
   * key generated once and kept in the store's schema (table `signing_keys`)
   */
  readonly signingKeys?: readonly SigningKeyInput[];
  /** Which DAGs this worker's workflows may write and read. @default `XCOM_ACCESS_POLICY` (JSON or a file path), else none */
  readonly accessPolicy?: AccessPolicy;
}

/** Keys and policy from the options or the environment, checked when the plugin is made (a typo fails at start). */
export function configuredSecurity(options: SecurityOptions, env: NodeJS.ProcessEnv = process.env): { keys?: SigningKeys; policy: AccessPolicy } {
  const keys = options.signingKeys
    ? signingKeys(options.signingKeys, 'XComPlugin signingKeys')
    : env.XCOM_SIGNING_KEY?.trim()
      ? parseSigningKeys(env.XCOM_SIGNING_KEY)
      : undefined;
  const policy = options.accessPolicy ? checkedPolicy(options.accessPolicy, 'XComPlugin accessPolicy') : (accessPolicyFromEnv(env) ?? {});
  return { ...(keys && { keys }), policy };
}

/** The worker's security once its store is open: the configured keys, else the store's own key. */
export async function openWorkerSecurity(
  configured: { keys?: SigningKeys; policy: AccessPolicy },
  store: XComBackend,
  knownDag: KnownDagLookup,
): Promise<WorkerSecurity> {
  const sql = sqlOf(store);
  let keys = configured.keys;
  if (!keys && sql) keys = await storedSigningKeys(sql.engine, sql.schema);
  if (!keys) {
    // A custom backend has no schema to keep a key in: refs verify only in this process until a key is configured.
    xcomLog().warn('temporal-xcom: no XCOM_SIGNING_KEY and a store without a schema: refs are signed with a key of this process only; set XCOM_SIGNING_KEY');
    keys = signingKeys([{ id: 'process', secret: randomBytes(32) }], 'process key');
  }
  return new WorkerSecurity(keys, configured.policy, knownDag, sql && new RunOwners(sql.engine, sql.schema));
}

function sqlOf(store: XComBackend): { engine: SqlEngine; schema: string } | undefined {
  const candidate = store as { engine?: { query?: unknown }; schema?: unknown };
  if (typeof candidate.engine?.query !== 'function' || typeof candidate.schema !== 'string') return undefined;
  return { engine: candidate.engine as SqlEngine, schema: candidate.schema };
}
