import { createHash } from 'node:crypto';
import type { ValueCodec } from '../../codec/value-codec';

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/**
 * Whether `codec` keeps a `bytes` value as it is, with a plain SHA-256 digest: then a streamed value can be written
 * straight to the object store as encoding `bytes` and read back by the codec. Asked of the codec itself (an empty
 * value), so a custom codec or encryption at rest is detected without knowing how it was made.
 */
export async function storesRawBytes(codec: ValueCodec): Promise<boolean> {
  const probe = await codec.encode(Buffer.alloc(0));
  return probe.encoding === 'bytes' && probe.digest === EMPTY_SHA256 && probe.bytes.length === 0;
}
