import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStore } from '../../src/objects/object-store';

/**
 * A real object store whose uploads and downloads each take `delayMs` longer, like a slow link to S3: long enough
 * that a task with a short heartbeat timeout only survives them if the interceptor heartbeats meanwhile.
 */
export function slowObjectStore(inner: ObjectStore, delayMs: number): ObjectStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'put' && property !== 'get') return value.bind(target);
      return async (...args: unknown[]) => {
        const result: unknown = await value.apply(target, args);
        await sleep(delayMs);
        return result;
      };
    },
  });
}
