import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { XComPlugin } from '../../src/plugin';
import { benchEncryptionKeys, benchSigningKey } from '../lib/secure-worker';
import { benchStoreConfig } from '../lib/service-env';
import * as activities from './activities';
import { countObjectCalls } from './count-object-store';
import type { OverheadEnv } from './env';
import type { S3CallCounts } from './external-storage';
import { QUIET_BUNDLER, runAll, type Side } from './workers';

/** A worker with the plugin, its client, and the S3 calls of its store. */
export interface PluginSide extends Side {
  readonly counts: S3CallCounts;
}

export interface SecurityWorkers {
  /** The plugin as bench:overhead runs it: no encryption key, refs signed with the key it keeps in the store. */
  readonly plain: PluginSide;
  /** The same plugin with `XCOM_ENCRYPTION_KEYS` and `XCOM_SIGNING_KEY` set (as options). */
  readonly secure: PluginSide;
  /** Runs `fn` while both workers poll. */
  runWhile<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Two plugins that differ only in the keys: same database and schema, same bucket (a prefix each), same options
 * (record every workflow, refs from 256 KiB as bench:overhead sends them). One workflow bundle serves both workers
 * (the plugins bake the same record scope into it), on one native connection, each worker on its own task queue.
 */
export async function createSecurityWorkers(env: OverheadEnv, tag: string): Promise<SecurityWorkers> {
  const store = (side: string) => benchStoreConfig({ ...env, storePrefix: `${env.storePrefix}/${side}` });
  const shared = { recordAll: true, historyThresholdBytes: 256 * 1024 } as const;
  const plugins = {
    plain: new XComPlugin({ ...shared, store: store('plain') }),
    secure: new XComPlugin({ ...shared, store: { ...store('secure'), encryption: benchEncryptionKeys() }, signingKeys: [benchSigningKey()] }),
  };
  if (JSON.stringify(plugins.plain.runtime.recordScope) !== JSON.stringify(plugins.secure.runtime.recordScope)) {
    throw new Error('the two plugins record different workflows: they cannot share one bundle');
  }
  // Opened one after the other: both migrate the same schema.
  const counts = { plain: countObjectCalls(await plugins.plain.store()), secure: countObjectCalls(await plugins.secure.store()) };
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), plugins: [plugins.plain], logger: QUIET_BUNDLER });
  const native = await NativeConnection.connect({ address: env.temporalAddress });
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const sides: PluginSide[] = [];
    const workers: Worker[] = [];
    for (const name of ['plain', 'secure'] as const) {
      const taskQueue = `bench-overhead-${name}-${tag}`;
      const plugin = plugins[name];
      workers.push(await Worker.create({ connection: native, taskQueue, workflowBundle: bundle, activities, plugins: [plugin] }));
      sides.push({ label: name === 'plain' ? 'plugin, plain' : 'plugin, encryption + signing key', taskQueue, client: new Client({ connection, plugins: [plugin] }), counts: counts[name] });
    }
    return {
      plain: sides[0]!,
      secure: sides[1]!,
      runWhile: (fn) => runAll(workers, fn),
      async close() {
        await connection.close();
        await native.close();
        // Each plugin closes its store when its worker stops; this covers a failure before they ran.
        await Promise.all([plugins.plain.runtime.close(), plugins.secure.runtime.close()]);
      },
    };
  } catch (err) {
    await connection.close();
    await native.close();
    await Promise.all([plugins.plain.runtime.close(), plugins.secure.runtime.close()]);
    throw err;
  }
}
