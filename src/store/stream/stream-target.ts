import type { ValueCodec } from '../../codec/value-codec';
import type { SqlEngine } from '../../engines/sql-engine';
import type { ObjectStore } from '../../objects/object-store';
import { touchObjects } from '../touch-objects';
import type { StreamTarget } from './place-stream';
import { storesRawBytes } from './stores-raw-bytes';

/** Where a store's byte streams go: its object store, announced in its schema's `objects`; the codec asked once. */
export function streamTarget(engine: SqlEngine, schema: string, objectStore: ObjectStore, codec: ValueCodec): StreamTarget {
  let rawBytes: Promise<boolean> | undefined;
  return {
    objectStore,
    rawBytes: () => (rawBytes ??= storesRawBytes(codec)),
    announce: (objectKey, storedBytes) => touchObjects(engine, schema, [{ objectKey, storedBytes }]),
  };
}
