import type { ObjectStore } from '../../objects/object-store';

export type ObjectStoreCheck = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Lists the start of the object store: a missing bucket, wrong credentials or an unreachable endpoint fail here,
 * where a store that merely has no objects yet passes. Bounded by `timeoutMs` (the S3 client retries for a while).
 */
export async function checkObjectStore(store: ObjectStore, timeoutMs: number): Promise<ObjectStoreCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const probe = (async () => {
    for await (const _object of store.list('')) break;
  })();
  try {
    await Promise.race([probe, timeout]);
    return { ok: true };
  } catch (err) {
    probe.catch(() => undefined); // after a timeout the probe may still fail; nobody waits for it
    return { ok: false, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
