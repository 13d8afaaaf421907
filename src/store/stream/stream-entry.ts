import { Readable } from 'node:stream';
import type { XComBackend } from '../backend';
import type { XComIdentity } from '../identity';
import type { XComStreamRecord } from '../types';
import { valueBytes } from './value-bytes';

/** One entry's value as a stream of bytes through any backend: its own `getStream`, else its value read whole. */
export async function streamEntry(backend: XComBackend, identity: XComIdentity): Promise<XComStreamRecord | undefined> {
  if (backend.getStream) return backend.getStream(identity);
  const record = await backend.get(identity);
  if (!record) return undefined;
  const { value, ...meta } = record;
  return { ...meta, stream: Readable.from([valueBytes(value)], { objectMode: false }) };
}
