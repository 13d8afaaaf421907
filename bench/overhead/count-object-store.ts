import type { ObjectStore } from '../../src/objects/object-store';
import type { XComBackend } from '../../src/store/backend';
import type { XComStore } from '../../src/store/xcom-store';
import { zeroCounts, type S3CallCounts } from './external-storage';

/**
 * Counts the XCom store's object uploads and downloads by wrapping the methods of its object store instance (the
 * bench's view only; the store itself is unchanged). Returns the live counters.
 */
export function countObjectCalls(backend: XComBackend): S3CallCounts {
  const store: ObjectStore = (backend as XComStore).objectStore;
  const counts = zeroCounts();
  const put = store.put.bind(store);
  const get = store.get.bind(store);
  const exists = store.exists.bind(store);
  store.put = async (key, body) => {
    counts.puts += 1;
    counts.putBytes += body.length;
    await put(key, body);
  };
  store.get = async (key) => {
    const bytes = await get(key);
    counts.gets += 1;
    counts.getBytes += bytes.length;
    return bytes;
  };
  store.exists = async (key) => {
    counts.heads += 1;
    return exists(key);
  };
  return counts;
}
